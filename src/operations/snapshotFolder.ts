/**
 * A snapshot folder on disk, for the three commands that use one: `snapshot` writes it (folder
 * 0700, files 0600; source files first, then the vault, then snapshot.json last, so a folder with
 * a manifest is a whole snapshot), `diff` and `restore` read it (snapshot.json checked against
 * its JSON Schema, then every file against the manifest's hashes: domain/snapshot/verify.ts), and
 * `restore` opens its vault with a passphrase read through readSecret (ECA_SNAPSHOT_PASSPHRASE
 * or standard input, never an SF_ variable).
 */
import { promises as fs } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { Messages, type SfError } from '@salesforce/core';
import { CONNECTED_APP } from '../domain/components.js';
import { assembleEcas, type Component, type ConnectedApp, type Eca } from '../domain/model.js';
import {
  checkPassphrase,
  describeSnapshotProblem,
  ECA_SETTINGS_TYPE,
  MANIFEST_FILE,
  manifestFiles,
  MAX_PASSPHRASE_BYTES,
  openVault,
  PASSPHRASE_ENV,
  type Secret,
  sha256Hex,
  type SnapshotManifest,
  type SnapshotPlan,
  SOURCE_ROOT,
  VAULT_FILE,
  VaultError,
  type VaultEntry,
  verifySnapshot,
} from '../domain/snapshot/index.js';
import { readSecret } from '../domain/token/secret.js';
import { MetadataXmlError, parseMetadataXml } from '../domain/xml.js';
import { formatDocumentError } from '../domain/schemaIssues.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.snapshot');

export type SnapshotFolder = {
  /** the folder as the user named it */
  readonly dir: string;
  readonly manifest: SnapshotManifest;
  /** SHA-256 of snapshot.json as read: what the vault is bound to */
  readonly manifestSha256: string;
  readonly ecas: Eca[];
  readonly connectedApps: ConnectedApp[];
  /** the org's ExternalClientAppSettings as the snapshot has them */
  readonly settings?: Component;
  /** credentials.vault, when the snapshot has credentials */
  readonly vault?: Uint8Array;
};

// ---------------------------------------------------------------------------------------------
// reading

/** Every regular file under the folder, by path relative to it ("/"-separated). Symbolic links are not followed: the manifest's files must be the folder's own. */
async function listFiles(root: string): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  const walk = async (dir: string): Promise<void> => {
    for (const e of await fs.readdir(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      const rel = relative(root, path).split(sep).join('/');
      if (e.isDirectory()) await walk(path);
      else if (e.isFile() && (rel === VAULT_FILE || rel.startsWith(`${SOURCE_ROOT}/`))) out.set(rel, await fs.readFile(path));
    }
  };
  await walk(root);
  return out;
}

function problemsError(name: string, dir: string, lines: readonly string[]): SfError {
  return messages.createError(name, [dir, lines.map((l) => `  ${l}`).join('\n')]);
}

/**
 * Reads and verifies a snapshot folder: snapshot.json valid against its schema, every file the
 * manifest lists present with its hash, no other file under source/, every file parsed. Any
 * problem is a named error (SnapshotNotFoundError, SnapshotManifestInvalidError,
 * SnapshotVerificationError): diff and restore never work from a snapshot they could not verify.
 */
export async function readSnapshotFolder(dir: string): Promise<SnapshotFolder> {
  const root = resolve(dir);
  let text: string;
  try {
    text = await fs.readFile(join(root, MANIFEST_FILE), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw messages.createError('error.SnapshotNotFound', [dir, code === 'ENOENT' ? `it has no ${MANIFEST_FILE}` : String((e as Error).message)], [dir]);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw problemsError('error.SnapshotManifestInvalid', dir, [`${MANIFEST_FILE} is not JSON: ${(e as Error).message}`]);
  }
  const { validateSnapshotManifest } = await import('../shared/jsonSchema.js');
  const checked = await validateSnapshotManifest(doc, text);
  if (!checked.ok) throw problemsError('error.SnapshotManifestInvalid', dir, checked.errors.map((e) => `${MANIFEST_FILE} ${formatDocumentError(e)}`));
  const manifest = checked.manifest;

  const files = await listFiles(root);
  const verification = verifySnapshot(manifest, files);
  if (!verification.ok) throw problemsError('error.SnapshotVerification', dir, verification.problems.map(describeSnapshotProblem));

  const components: Component[] = [];
  const unreadable: string[] = [];
  for (const f of manifestFiles(manifest)) {
    try {
      const parsed = parseMetadataXml(Buffer.from(files.get(f.path) as Uint8Array).toString('utf8'));
      components.push({ type: f.type, fullName: f.fullName, values: parsed.values });
    } catch (e) {
      unreadable.push(`${f.path}: ${e instanceof MetadataXmlError ? e.message : String(e)}`);
    }
  }
  if (unreadable.length) throw problemsError('error.SnapshotVerification', dir, unreadable);
  const settings = components.find((c) => c.type === ECA_SETTINGS_TYPE);
  const connectedApps = components.filter((c) => c.type === CONNECTED_APP.type) as ConnectedApp[];
  const { ecas } = assembleEcas(components.filter((c) => c !== settings && c.type !== CONNECTED_APP.type));
  return {
    dir,
    manifest,
    manifestSha256: sha256Hex(text),
    ecas,
    connectedApps,
    ...(settings ? { settings } : {}),
    ...(manifest.credentials.included ? { vault: files.get(VAULT_FILE) } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// the passphrase and the vault

/**
 * The passphrase: standard input when asked (piped, never a terminal), else ECA_SNAPSHOT_PASSPHRASE.
 * Checked by the domain's rules (domain/snapshot/passphrase.ts); errors never contain it.
 */
export async function readPassphrase(fromStdin: boolean): Promise<Secret> {
  const read = await readSecret({ envName: PASSPHRASE_ENV, fromStdin, stdin: process.stdin, env: process.env });
  if ('problem' in read) {
    if (read.problem === 'tty') throw messages.createError('error.PassphraseStdinTty');
    const checked = read.problem === 'too-long' ? undefined : checkPassphrase(read.problem === 'empty' ? '' : undefined, fromStdin ? 'stdin' : 'env');
    const why = checked && !checked.ok ? checked.message : `The passphrase from standard input is longer than ${MAX_PASSPHRASE_BYTES} bytes.`;
    throw messages.createError('error.PassphraseProblem', [why], [PASSPHRASE_ENV]);
  }
  const checked = checkPassphrase(read.secret, read.source);
  if (!checked.ok) throw messages.createError('error.PassphraseProblem', [checked.message], [PASSPHRASE_ENV]);
  return checked.passphrase;
}

/** Opens the snapshot's vault; a wrong passphrase, a changed vault or another snapshot's vault is a named error. */
export async function openSnapshotVault(folder: SnapshotFolder, passphrase: Secret): Promise<VaultEntry[]> {
  try {
    return await openVault(folder.vault as Uint8Array, passphrase, folder.manifestSha256);
  } catch (e) {
    if (!(e instanceof VaultError)) throw e;
    const name = { 'wrong-passphrase': 'error.WrongPassphrase', tampered: 'error.VaultTampered', 'other-snapshot': 'error.VaultMismatch', unreadable: 'error.VaultUnreadable', 'invalid-entries': 'error.VaultUnreadable' }[e.code];
    throw messages.createError(name, [folder.dir, e.message], [PASSPHRASE_ENV]);
  }
}

// ---------------------------------------------------------------------------------------------
// writing

/** The folder is new or empty (a snapshot never mixes with other files). */
export async function checkOutputDir(dir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await fs.readdir(resolve(dir));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    throw messages.createError('error.OutputDirUnusable', [dir, code === 'ENOTDIR' ? 'it is a file' : (e as Error).message]);
  }
  if (entries.length > 0) throw messages.createError('error.OutputDirNotEmpty', [dir, String(entries.length)], [dir]);
}

/**
 * Writes the snapshot: the folder with mode 0700 (and its subfolders), every file 0600, source
 * files first, then the vault, then snapshot.json; nothing is left behind when a write fails.
 */
export async function writeSnapshotFolder(dir: string, plan: SnapshotPlan, vault: Buffer | undefined): Promise<void> {
  await checkOutputDir(dir);
  const root = resolve(dir);
  const created = await fs.mkdir(root, { recursive: true, mode: 0o700 });
  await fs.chmod(root, 0o700);
  const files = [
    ...plan.files.map((f) => ({ path: join(root, ...f.path.split('/')), content: f.text, mode: 0o600 })),
    ...(vault ? [{ path: join(root, VAULT_FILE), content: vault.toString('utf8'), mode: 0o600 }] : []),
    { path: join(root, MANIFEST_FILE), content: plan.manifestText, mode: 0o600 },
  ];
  try {
    for (const d of new Set(files.map((f) => resolve(f.path, '..')))) await fs.mkdir(d, { recursive: true, mode: 0o700 });
    const { writeFilesAtomically } = await import('../shared/files.js');
    await writeFilesAtomically(files);
  } catch (e) {
    // the folder was new or empty: take back everything written into it
    if (created) await fs.rm(created, { recursive: true, force: true }).catch(() => undefined);
    else for (const entry of await fs.readdir(root).catch(() => [])) await fs.rm(join(root, entry), { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
}
