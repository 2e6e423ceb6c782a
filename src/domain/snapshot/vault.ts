/**
 * The credential vault of a snapshot: each local app's consumer key and secret, sealed in one
 * file with AES-256-GCM under a key derived from a passphrase with scrypt.
 *
 * The file is JSON (format "plugin-eca-credentials", version 1):
 *
 * ```json
 * { "format": "plugin-eca-credentials", "version": 1,
 *   "snapshot": "<SHA-256 of snapshot.json, hex>",
 *   "kdf": { "name": "scrypt", "N": 131072, "r": 8, "p": 1, "salt": "<16 bytes, base64>" },
 *   "cipher": { "name": "aes-256-gcm", "iv": "<12 bytes, base64>" },
 *   "check": "<32 bytes, base64>", "ciphertext": "<base64>", "tag": "<16 bytes, base64>",
 *   "digest": "<SHA-256 of all the above, hex>" }
 * ```
 *
 * - Key: scrypt(passphrase NFC UTF-8, salt, 64 bytes, N, r, p). The first 32 bytes are the
 *   AES-256-GCM key; the last 32 key an HMAC-SHA-256 of a fixed label, stored as `check`, which
 *   tells a wrong passphrase from a tampered file (GCM alone fails the same way for both). The
 *   check gives an attacker nothing GCM's tag does not: each guess still costs one scrypt.
 * - Parameters N=2^17, r=8, p=1 (128 MiB, a fraction of a second): OWASP's Password Storage
 *   Cheat Sheet gives these as scrypt's minimum; Percival's 2^14 for interactive logins (2009)
 *   is too weak for a file an attacker can attack offline, and 2^20 (about 1 GiB) is too much
 *   for shared CI runners. They are stored with the file, so a later version can raise them.
 *   Node needs `maxmem` raised for them (its default, 32 MiB, fails when 128*N*r exceeds it).
 * - Additional authenticated data: the header fields (format, version, snapshot, kdf, cipher,
 *   check) and the SHA-256 of snapshot.json. A vault opened with another snapshot's manifest,
 *   or with its manifest edited, fails.
 * - `digest` is a plain SHA-256 of the rest: it tells an accidentally damaged or edited file
 *   (VaultTamperedError) from a wrong passphrase before any key is derived. It is not a MAC;
 *   an attacker who rewrites the salt and the digest gets "wrong passphrase", still a refusal.
 *
 * Errors are named (WrongPassphraseError, VaultTamperedError, VaultMismatchError,
 * VaultFormatError) and never contain a secret. Entries come back with the secret as a Secret.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { Secret } from './secret.js';

export const VAULT_FORMAT = 'plugin-eca-credentials';
export const VAULT_VERSION = 1;

export type ScryptParams = { readonly N: number; readonly r: number; readonly p: number };

/** What seal() uses: OWASP's scrypt minimum (see above). */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };

/** What open() accepts: from a test-speed 2^10 to 2^20, r up to 16, p up to 4 (bounds the memory a file can ask for). */
export const SCRYPT_LIMITS = { minLogN: 10, maxLogN: 20, maxR: 16, maxP: 4 } as const;

const SALT_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const CHECK_LABEL = 'plugin-eca credentials vault v1: passphrase check';
const MAX_FIELD = 4096;
const MAX_ENTRIES = 10_000;

/** One app's credentials. The consumer key is an identifier (it appears in metadata); the secret is not. */
export type VaultEntry = {
  readonly app: string;
  readonly consumerKey: string;
  readonly consumerSecret: Secret;
};

export type SealOptions = {
  readonly scrypt?: ScryptParams;
  /** for tests: the salt and IV to use */
  readonly random?: (bytes: number) => Buffer;
};

export type VaultErrorCode = 'wrong-passphrase' | 'tampered' | 'other-snapshot' | 'unreadable' | 'invalid-entries';

export class VaultError extends Error {
  public constructor(
    public readonly code: VaultErrorCode,
    message: string
  ) {
    super(message);
    this.name = 'VaultError';
  }
}

export class WrongPassphraseError extends VaultError {
  public constructor() {
    super('wrong-passphrase', 'The passphrase does not open the credentials vault.');
    this.name = 'WrongPassphraseError';
  }
}

export class VaultTamperedError extends VaultError {
  public constructor(what: string) {
    super('tampered', `The credentials vault was changed or damaged after it was sealed (${what}).`);
    this.name = 'VaultTamperedError';
  }
}

export class VaultMismatchError extends VaultError {
  public constructor() {
    super('other-snapshot', 'The credentials vault belongs to another snapshot: its snapshot.json is not this one.');
    this.name = 'VaultMismatchError';
  }
}

export class VaultFormatError extends VaultError {
  public constructor(why: string) {
    super('unreadable', `The file is not a credentials vault this plugin can read: ${why}.`);
    this.name = 'VaultFormatError';
  }
}

export class InvalidVaultEntriesError extends VaultError {
  public constructor(why: string) {
    super('invalid-entries', `The credentials cannot be sealed: ${why}.`);
    this.name = 'InvalidVaultEntriesError';
  }
}

type VaultFile = {
  format: string;
  version: number;
  snapshot: string;
  kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string };
  cipher: { name: 'aes-256-gcm'; iv: string };
  check: string;
  ciphertext: string;
  tag: string;
  digest: string;
};

const SHA256_HEX = /^[0-9a-f]{64}$/;

function scryptKey(passphrase: Secret, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const password = Buffer.from(passphrase.reveal().normalize('NFC'), 'utf8');
  const maxmem = 256 * params.N * params.r * params.p + 32 * 1024 * 1024;
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(password, salt, 2 * KEY_BYTES, { N: params.N, r: params.r, p: params.p, maxmem }, (err, key) => {
      password.fill(0);
      if (err) reject(new VaultFormatError('the key derivation failed'));
      else resolve(key);
    });
  });
}

function checkValue(key: Buffer): Buffer {
  return createHmac('sha256', key.subarray(KEY_BYTES)).update(CHECK_LABEL).digest();
}

/** The header bound into the ciphertext, in a fixed order (not the order the file happens to have). */
function headerAad(f: Omit<VaultFile, 'ciphertext' | 'tag' | 'digest'>, snapshotSha256: string): Buffer {
  return Buffer.from(
    JSON.stringify([f.format, f.version, f.snapshot, f.kdf.name, f.kdf.N, f.kdf.r, f.kdf.p, f.kdf.salt, f.cipher.name, f.cipher.iv, f.check, snapshotSha256]),
    'utf8'
  );
}

function fileDigest(f: Omit<VaultFile, 'digest'>): string {
  return createHash('sha256')
    .update(JSON.stringify([f.format, f.version, f.snapshot, f.kdf.name, f.kdf.N, f.kdf.r, f.kdf.p, f.kdf.salt, f.cipher.name, f.cipher.iv, f.check, f.ciphertext, f.tag]))
    .digest('hex');
}

function checkParams(p: ScryptParams): string | undefined {
  const logN = Math.log2(p.N);
  if (!Number.isInteger(logN) || logN < SCRYPT_LIMITS.minLogN || logN > SCRYPT_LIMITS.maxLogN) {
    return `scrypt N must be a power of two from 2^${SCRYPT_LIMITS.minLogN} to 2^${SCRYPT_LIMITS.maxLogN}`;
  }
  if (!Number.isInteger(p.r) || p.r < 1 || p.r > SCRYPT_LIMITS.maxR) return `scrypt r must be 1 to ${SCRYPT_LIMITS.maxR}`;
  if (!Number.isInteger(p.p) || p.p < 1 || p.p > SCRYPT_LIMITS.maxP) return `scrypt p must be 1 to ${SCRYPT_LIMITS.maxP}`;
  return undefined;
}

function checkEntries(entries: readonly VaultEntry[]): void {
  if (entries.length > MAX_ENTRIES) throw new InvalidVaultEntriesError(`more than ${MAX_ENTRIES} apps`);
  const seen = new Set<string>();
  for (const e of entries) {
    if (typeof e.app !== 'string' || e.app.trim() === '' || e.app.length > 255) throw new InvalidVaultEntriesError('an app name is empty or too long');
    const key = e.app.toLowerCase();
    if (seen.has(key)) throw new InvalidVaultEntriesError(`app "${e.app}" is listed twice`);
    seen.add(key);
    if (typeof e.consumerKey !== 'string' || e.consumerKey.trim() === '' || e.consumerKey.length > MAX_FIELD) {
      throw new InvalidVaultEntriesError(`the consumer key of "${e.app}" is empty or too long`);
    }
    if (!(e.consumerSecret instanceof Secret)) throw new InvalidVaultEntriesError(`the consumer secret of "${e.app}" is not a Secret`);
    const secret = e.consumerSecret.reveal();
    if (secret.trim() === '' || secret.length > MAX_FIELD) throw new InvalidVaultEntriesError(`the consumer secret of "${e.app}" is empty or too long`);
  }
}

/**
 * Seals the entries for the snapshot whose snapshot.json has this SHA-256 (hex). Returns the
 * vault file's bytes.
 */
export async function sealVault(entries: readonly VaultEntry[], passphrase: Secret, snapshotSha256: string, options: SealOptions = {}): Promise<Buffer> {
  if (!SHA256_HEX.test(snapshotSha256)) throw new InvalidVaultEntriesError('the snapshot hash is not a SHA-256 in hex');
  checkEntries(entries);
  const params = options.scrypt ?? DEFAULT_SCRYPT;
  const bad = checkParams(params);
  if (bad) throw new InvalidVaultEntriesError(bad);
  const random = options.random ?? randomBytes;
  const salt = random(SALT_BYTES);
  const iv = random(IV_BYTES);
  const key = await scryptKey(passphrase, salt, params);
  const plaintext = Buffer.from(
    JSON.stringify({ entries: entries.map((e) => ({ app: e.app, consumerKey: e.consumerKey, consumerSecret: e.consumerSecret.reveal() })) }),
    'utf8'
  );
  try {
    const header = {
      format: VAULT_FORMAT,
      version: VAULT_VERSION,
      snapshot: snapshotSha256,
      kdf: { name: 'scrypt' as const, N: params.N, r: params.r, p: params.p, salt: salt.toString('base64') },
      cipher: { name: 'aes-256-gcm' as const, iv: iv.toString('base64') },
      check: checkValue(key).toString('base64'),
    };
    const cipher = createCipheriv('aes-256-gcm', key.subarray(0, KEY_BYTES), iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(headerAad(header, snapshotSha256));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const body = { ...header, ciphertext: ciphertext.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
    return Buffer.from(`${JSON.stringify({ ...body, digest: fileDigest(body) }, null, 2)}\n`, 'utf8');
  } finally {
    key.fill(0);
    plaintext.fill(0);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function base64Field(v: unknown, bytes: number | undefined, name: string): Buffer {
  if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) throw new VaultFormatError(`${name} is not base64`);
  const b = Buffer.from(v, 'base64');
  if (bytes !== undefined && b.length !== bytes) throw new VaultFormatError(`${name} is not ${bytes} bytes`);
  return b;
}

function parseFile(bytes: Uint8Array): VaultFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new VaultFormatError('it is not JSON');
  }
  if (!isRecord(parsed) || parsed.format !== VAULT_FORMAT) throw new VaultFormatError(`it is not a ${VAULT_FORMAT} file`);
  if (parsed.version !== VAULT_VERSION) throw new VaultFormatError(`version ${String(parsed.version)} is not supported (this plugin reads version ${VAULT_VERSION})`);
  const { kdf, cipher } = parsed;
  if (!isRecord(kdf) || kdf.name !== 'scrypt' || typeof kdf.N !== 'number' || typeof kdf.r !== 'number' || typeof kdf.p !== 'number') {
    throw new VaultFormatError('its key derivation is not scrypt with N, r and p');
  }
  const bad = checkParams({ N: kdf.N, r: kdf.r, p: kdf.p });
  if (bad) throw new VaultFormatError(bad);
  if (!isRecord(cipher) || cipher.name !== 'aes-256-gcm') throw new VaultFormatError('its cipher is not aes-256-gcm');
  if (typeof parsed.snapshot !== 'string' || !SHA256_HEX.test(parsed.snapshot)) throw new VaultFormatError('it names no snapshot');
  if (typeof parsed.digest !== 'string') throw new VaultFormatError('it has no digest');
  base64Field(kdf.salt, SALT_BYTES, 'the salt');
  base64Field(cipher.iv, IV_BYTES, 'the IV');
  base64Field(parsed.check, 32, 'the check value');
  base64Field(parsed.tag, TAG_BYTES, 'the tag');
  base64Field(parsed.ciphertext, undefined, 'the ciphertext');
  return parsed as VaultFile;
}

function parseEntries(plaintext: Buffer): VaultEntry[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(plaintext.toString('utf8'));
  } catch {
    throw new VaultTamperedError('its content is not readable');
  }
  const list = isRecord(parsed) ? parsed.entries : undefined;
  if (!Array.isArray(list)) throw new VaultTamperedError('its content is not readable');
  return list.map((e: unknown) => {
    if (!isRecord(e) || typeof e.app !== 'string' || typeof e.consumerKey !== 'string' || typeof e.consumerSecret !== 'string') {
      throw new VaultTamperedError('an entry is not readable');
    }
    return { app: e.app, consumerKey: e.consumerKey, consumerSecret: new Secret(e.consumerSecret) };
  });
}

/**
 * Opens a vault sealed for the snapshot whose snapshot.json has this SHA-256 (hex). Throws
 * VaultFormatError (not a vault), VaultTamperedError (changed since sealed), VaultMismatchError
 * (another snapshot's vault), WrongPassphraseError.
 */
export async function openVault(bytes: Uint8Array, passphrase: Secret, snapshotSha256: string): Promise<VaultEntry[]> {
  const f = parseFile(bytes);
  if (fileDigest(f) !== f.digest) throw new VaultTamperedError('its digest does not match');
  if (f.snapshot !== snapshotSha256) throw new VaultMismatchError();
  const key = await scryptKey(passphrase, Buffer.from(f.kdf.salt, 'base64'), f.kdf);
  let plaintext: Buffer | undefined;
  try {
    const check = Buffer.from(f.check, 'base64');
    if (!timingSafeEqual(check, checkValue(key))) throw new WrongPassphraseError();
    const decipher = createDecipheriv('aes-256-gcm', key.subarray(0, KEY_BYTES), Buffer.from(f.cipher.iv, 'base64'), { authTagLength: TAG_BYTES });
    decipher.setAAD(headerAad(f, snapshotSha256));
    decipher.setAuthTag(Buffer.from(f.tag, 'base64'));
    try {
      plaintext = Buffer.concat([decipher.update(Buffer.from(f.ciphertext, 'base64')), decipher.final()]);
    } catch {
      throw new VaultTamperedError('its authentication tag does not match');
    }
    return parseEntries(plaintext);
  } finally {
    key.fill(0);
    plaintext?.fill(0);
  }
}

/** The parameters a vault file records, without opening it (for `--json` output and reports). */
export function vaultParameters(bytes: Uint8Array): { readonly snapshot: string; readonly scrypt: ScryptParams } {
  const f = parseFile(bytes);
  return { snapshot: f.snapshot, scrypt: { N: f.kdf.N, r: f.kdf.r, p: f.kdf.p } };
}
