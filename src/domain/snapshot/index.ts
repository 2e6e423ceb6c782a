/**
 * The pure domain of `sf eca snapshot` and `sf eca restore`: the snapshot format and its
 * verifier, the credential vault and its passphrase, usernames across sandbox refreshes, and
 * restore planning. No I/O: the operations floor reads orgs and files and writes them.
 */
export * from './manifest.js';
export * from './passphrase.js';
export * from './restore.js';
export * from './secret.js';
export * from './users.js';
export * from './vault.js';
export * from './verify.js';
