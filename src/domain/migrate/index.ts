/**
 * The pure domain of `sf eca migrate`: choose the apps, make each fit for a target org, find what
 * the target lacks, and say what a deploy would change. No I/O: the command retrieves, queries,
 * reads files and deploys.
 */
export * from './diff.js';
export * from './fields.js';
export * from './mapping.js';
export * from './redact.js';
export * from './references.js';
export * from './selection.js';
export * from './transform.js';
export * from './report.js';
