/**
 * Checks a snapshot folder against its manifest: every listed file is there with the SHA-256 the
 * manifest records, no other file sits under the source root (a deploy of the folder would carry
 * it), and every path is a plain relative path inside the folder. A restore or a diff reads a
 * snapshot only after this passes; a gate never passes on a snapshot it could not verify.
 *
 * What this proves: the files are the ones the manifest describes. It cannot prove the manifest
 * itself is genuine (anyone can rewrite a hash). With credentials it can: the vault is sealed
 * with the manifest's hash as additional authenticated data (./vault.ts), so opening the vault
 * fails on a manifest that was changed after the snapshot was taken.
 *
 * Pure: the I/O layer lists the folder and passes each file's bytes.
 */
import { componentOfFile } from '../components.js';
import { ECA_SETTINGS_TYPE, MANIFEST_FILE, manifestFiles, sha256Hex, SNAPSHOT_FORMAT, SNAPSHOT_FORMAT_VERSION, type SnapshotManifest, SOURCE_ROOT, VAULT_FILE } from './manifest.js';

export type SnapshotProblem =
  | { readonly kind: 'missing'; readonly path: string; readonly component?: string }
  | { readonly kind: 'tampered'; readonly path: string; readonly component?: string; readonly expected: string; readonly actual: string }
  | { readonly kind: 'unexpected'; readonly path: string }
  | { readonly kind: 'unsafe-path'; readonly path: string }
  | { readonly kind: 'inconsistent'; readonly path: string; readonly message: string }
  | { readonly kind: 'unsupported'; readonly path: string; readonly message: string };

export type SnapshotVerification = {
  readonly ok: boolean;
  /** files whose hash was checked and matched */
  readonly verified: number;
  readonly problems: readonly SnapshotProblem[];
};

/** A relative path with "/" separators that stays inside the folder: no "..", no absolute path, no drive, no backslash. */
export function isSafeRelativePath(path: string): boolean {
  if (path.length === 0 || path.startsWith('/') || path.includes('\\') || /^[A-Za-z]:/.test(path) || path.includes('\0')) return false;
  return path.split('/').every((segment) => segment.length > 0 && segment !== '.' && segment !== '..');
}

/** What the file name says, compared with what the manifest says the file holds. */
function consistency(type: string, fullName: string, path: string): string | undefined {
  if (type === ECA_SETTINGS_TYPE) {
    return path.endsWith(`/settings/${fullName}.settings-meta.xml`) ? undefined : `a ${type} file must be settings/${fullName}.settings-meta.xml`;
  }
  const found = componentOfFile(path);
  if (!found || found.format !== 'source') return `the file name is not a source-format ${type}`;
  if (found.kind.type !== type) return `the file name says ${found.kind.type}, the manifest says ${type}`;
  if (found.fullName !== fullName) return `the file name says "${found.fullName}", the manifest says "${fullName}"`;
  if (!path.includes(`/${found.kind.directory}/`)) return `a ${type} file belongs in ${found.kind.directory}/`;
  return undefined;
}

/**
 * Verifies the files of a snapshot folder (paths relative to it, "/"-separated, each file's
 * bytes) against its manifest, which the caller has already validated against
 * schemas/eca-snapshot-manifest.json.
 */
export function verifySnapshot(manifest: SnapshotManifest, files: ReadonlyMap<string, Uint8Array>): SnapshotVerification {
  const problems: SnapshotProblem[] = [];
  if (manifest.format !== SNAPSHOT_FORMAT || manifest.formatVersion !== SNAPSHOT_FORMAT_VERSION) {
    problems.push({
      kind: 'unsupported',
      path: MANIFEST_FILE,
      message: `format ${String(manifest.format)} version ${String(manifest.formatVersion)}; this plugin reads ${SNAPSHOT_FORMAT} version ${SNAPSHOT_FORMAT_VERSION}`,
    });
    return { ok: false, verified: 0, problems };
  }
  const listed = new Set<string>();
  let verified = 0;
  for (const f of manifestFiles(manifest)) {
    const component = `${f.type}:${f.fullName}`;
    if (!isSafeRelativePath(f.path) || !f.path.startsWith(`${SOURCE_ROOT}/`)) {
      problems.push({ kind: 'unsafe-path', path: f.path });
      continue;
    }
    if (listed.has(f.path)) {
      problems.push({ kind: 'inconsistent', path: f.path, message: 'listed twice' });
      continue;
    }
    listed.add(f.path);
    const why = consistency(f.type, f.fullName, f.path);
    if (why) problems.push({ kind: 'inconsistent', path: f.path, message: why });
    const bytes = files.get(f.path);
    if (bytes === undefined) {
      problems.push({ kind: 'missing', path: f.path, component });
      continue;
    }
    const actual = sha256Hex(bytes);
    if (actual !== f.sha256) problems.push({ kind: 'tampered', path: f.path, component, expected: f.sha256, actual });
    else verified++;
  }
  if (manifest.credentials.included) {
    if (!files.has(VAULT_FILE)) problems.push({ kind: 'missing', path: VAULT_FILE });
    const ecas = new Set(manifest.apps.filter((a) => a.kind === 'eca').map((a) => a.name.toLowerCase()));
    for (const app of manifest.credentials.apps) {
      if (!ecas.has(app.toLowerCase())) problems.push({ kind: 'inconsistent', path: MANIFEST_FILE, message: `credentials are listed for "${app}", which is not an External Client App of the snapshot` });
    }
  }
  for (const path of [...files.keys()].sort()) {
    if (path.startsWith(`${SOURCE_ROOT}/`) && !listed.has(path)) problems.push({ kind: 'unexpected', path });
  }
  return { ok: problems.length === 0, verified, problems };
}

/** One line per problem, for people: "source/main/default/...: tampered (SHA-256 ... expected ...)". */
export function describeSnapshotProblem(p: SnapshotProblem): string {
  switch (p.kind) {
    case 'missing':
      return `${p.path}: missing${p.component ? ` (${p.component})` : ''}`;
    case 'tampered':
      return `${p.path}: changed since the snapshot was taken${p.component ? ` (${p.component})` : ''}: SHA-256 ${p.actual}, the manifest records ${p.expected}`;
    case 'unexpected':
      return `${p.path}: not in the manifest`;
    case 'unsafe-path':
      return `${p.path}: not a path inside the snapshot folder`;
    case 'inconsistent':
    case 'unsupported':
      return `${p.path}: ${p.message}`;
  }
}
