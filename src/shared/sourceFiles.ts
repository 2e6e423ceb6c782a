/**
 * Finds and reads ECA and Connected App metadata files on disk (source format *-meta.xml and
 * MDAPI format), keeping each component's file and element positions for messages and reports.
 * A file or folder that cannot be read or parsed is reported, and the others are still read.
 *
 * Symbolic links are followed, files and folders alike, because SDR follows them: its
 * NodeFSTreeContainer.isDirectory uses stat ("use stat instead of lstat to follow symlinks",
 * forcedotcom/source-deploy-retrieve src/resolve/treeContainers.ts, PR #559), and readDirectory
 * and readFile follow links too, so `sf project deploy start` deploys what a link leads to. SDR
 * has no guard against a link that leads back to a folder above it; here such a loop is a named
 * problem. A dangling link is a problem too: SDR stats every entry of a folder it walks, so it
 * fails on one as well. A file reached by two paths is read once (the first path, sorted).
 */
import { promises as fs, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { componentOfFile, type ComponentKind } from '../domain/components.js';
import type { Component } from '../domain/model.js';
import { MetadataXmlError, type MetadataXmlErrorCode, parseMetadataXml, type ElementPosition } from '../domain/xml.js';

export type SourceComponent = Component & { file: string; elements: ElementPosition[]; format: 'source' | 'mdapi' };
/** unreadable: an I/O error; wrong-root: a file whose root element is not the type its name says */
export type SourceProblemCode = MetadataXmlErrorCode | 'unreadable' | 'wrong-root' | 'broken-symlink' | 'symlink-loop';
export type SourceProblem = { file: string; line?: number; column?: number; message: string; code?: SourceProblemCode };

const SKIP_DIRS = new Set(['node_modules', '.git', '.sfdx', '.sf', 'lib']);

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

type Walk = { out: string[]; problems: SourceProblem[]; linked: boolean };

/** `ancestors`: the real paths of the folders above (and including) dir, for the loop guard. */
async function walk(dir: string, ancestors: ReadonlyMap<string, string>, w: Walk): Promise<void> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (e) {
    w.problems.push({ file: dir, code: 'unreadable', message: `the folder cannot be read: ${errorText(e)}` });
    return;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    let isDirectory = e.isDirectory();
    let isFile = e.isFile();
    if (e.isSymbolicLink()) {
      w.linked = true;
      try {
        const target = await fs.stat(p);
        isDirectory = target.isDirectory();
        isFile = target.isFile();
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        w.problems.push(
          code === 'ELOOP'
            ? { file: p, code: 'symlink-loop', message: 'the symbolic link leads back to itself (a loop); nothing behind it was read' }
            : { file: p, code: 'broken-symlink', message: `the symbolic link leads nowhere (${code ?? errorText(err)}); nothing behind it was read, and SDR cannot deploy this folder either` }
        );
        continue;
      }
    }
    if (isDirectory) {
      if (SKIP_DIRS.has(e.name)) continue;
      let real: string;
      try {
        real = await fs.realpath(p);
      } catch (err) {
        w.problems.push({ file: p, code: 'unreadable', message: `the folder cannot be read: ${errorText(err)}` });
        continue;
      }
      const above = ancestors.get(real);
      if (above !== undefined) {
        w.problems.push({ file: p, code: 'symlink-loop', message: `the symbolic link leads back to ${relative(dir, above) || '.'}, a folder above it (a loop); it was not followed` });
        continue;
      }
      await walk(p, new Map([...ancestors, [real, p]]), w);
    } else if (isFile) {
      w.out.push(p);
    }
  }
}

/** The first path of each real file: a file reached through two links is read once. */
async function oncePerRealFile(files: readonly string[]): Promise<string[]> {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const f of files) {
    const real = await fs.realpath(f).catch(() => f);
    if (seen.has(real)) continue;
    seen.add(real);
    out.push(f);
  }
  return out;
}

/**
 * The metadata files under the given files or folders that `accept` wants (by component kind).
 * Paths that do not exist are returned in `missing`; folders and links that cannot be followed in
 * `problems`.
 */
export async function findMetadataFiles(
  paths: readonly string[],
  accept: (kind: ComponentKind) => boolean = () => true
): Promise<{ files: string[]; missing: string[]; problems: SourceProblem[] }> {
  const files: string[] = [];
  const missing: string[] = [];
  const w: Walk = { out: [], problems: [], linked: false };
  for (const p of paths) {
    const abs = resolve(p);
    let stat;
    try {
      stat = await fs.stat(abs);
    } catch {
      missing.push(p);
      continue;
    }
    w.out = [];
    if (stat.isDirectory()) await walk(abs, new Map([[await fs.realpath(abs), abs]]), w);
    else w.out.push(abs);
    for (const f of w.out) {
      const c = componentOfFile(f);
      if (c && accept(c.kind)) files.push(f);
    }
  }
  const sorted = [...new Set(files)].sort();
  return { files: w.linked ? await oncePerRealFile(sorted) : sorted, missing, problems: w.problems };
}

const YIELD_EVERY_MS = 20;

/**
 * Reads and parses the files; a file that is not well-formed XML becomes a problem with its line.
 * One file at a time, read synchronously: thousands of small files in flight at once (a promise,
 * a file handle and a buffer each) cost more in scheduling and garbage collection than the reads
 * themselves, and only the parsed values and positions stay in memory. Every 20 ms of reading it
 * lets the event loop run, so an org read started beside it (diff, policy check of a folder and an
 * org) sends its requests and takes its answers while the files are parsed, instead of after.
 * `positions: false`: values only, `elements` left empty (a caller that names no line).
 */
export async function readSourceComponents(
  files: readonly string[],
  options: { positions?: boolean } = {}
): Promise<{ components: SourceComponent[]; problems: SourceProblem[] }> {
  const components: SourceComponent[] = [];
  const problems: SourceProblem[] = [];
  let since = performance.now();
  for (const file of files) {
    const c = componentOfFile(file);
    if (!c) continue;
    if (performance.now() - since > YIELD_EVERY_MS) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      since = performance.now();
    }
    try {
      const parsed = parseMetadataXml(readFileSync(file, 'utf8'), options);
      if (parsed.type !== c.kind.type) {
        problems.push({ file, line: 2, code: 'wrong-root', message: `the root element is <${parsed.type}>, but a .${c.kind.suffix} file holds a ${c.kind.type}` });
        continue;
      }
      components.push({ type: parsed.type, fullName: c.fullName, values: parsed.values, file, elements: parsed.elements, format: c.format });
    } catch (e) {
      if (e instanceof MetadataXmlError) problems.push({ file, line: e.line, column: e.column, code: e.code, message: e.message });
      else problems.push({ file, code: 'unreadable', message: e instanceof Error ? e.message : String(e) });
    }
  }
  components.sort((a, b) => a.file.localeCompare(b.file));
  problems.sort((a, b) => a.file.localeCompare(b.file));
  return { components, problems };
}
