/**
 * Finds and reads ECA and Connected App metadata files on disk (source format *-meta.xml and
 * MDAPI format), keeping each component's file and element positions for messages and reports.
 * A file that cannot be read or parsed is reported, and the others are still read.
 */
import { promises as fs, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { componentOfFile, type ComponentKind } from '../domain/components.js';
import type { Component } from '../domain/model.js';
import { MetadataXmlError, parseMetadataXml, type ElementPosition } from '../domain/xml.js';

export type SourceComponent = Component & { file: string; elements: ElementPosition[]; format: 'source' | 'mdapi' };
export type SourceProblem = { file: string; line?: number; column?: number; message: string };

const SKIP_DIRS = new Set(['node_modules', '.git', '.sfdx', '.sf', 'lib']);

async function walk(dir: string, out: string[]): Promise<void> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) await walk(p, out);
    } else if (e.isFile()) {
      out.push(p);
    }
  }
}

/**
 * The metadata files under the given files or folders that `accept` wants (by component kind).
 * Paths that do not exist are returned in `missing`.
 */
export async function findMetadataFiles(
  paths: readonly string[],
  accept: (kind: ComponentKind) => boolean = () => true
): Promise<{ files: string[]; missing: string[] }> {
  const files: string[] = [];
  const missing: string[] = [];
  for (const p of paths) {
    const abs = resolve(p);
    let stat;
    try {
      stat = await fs.stat(abs);
    } catch {
      missing.push(p);
      continue;
    }
    const found: string[] = [];
    if (stat.isDirectory()) await walk(abs, found);
    else found.push(abs);
    for (const f of found) {
      const c = componentOfFile(f);
      if (c && accept(c.kind)) files.push(f);
    }
  }
  return { files: [...new Set(files)].sort(), missing };
}

/**
 * Reads and parses the files; a file that is not well-formed XML becomes a problem with its line.
 * One file at a time, read synchronously: thousands of small files in flight at once (a promise,
 * a file handle and a buffer each) cost more in scheduling and garbage collection than the reads
 * themselves, and only the parsed values and positions stay in memory.
 */
export async function readSourceComponents(files: readonly string[]): Promise<{ components: SourceComponent[]; problems: SourceProblem[] }> {
  const components: SourceComponent[] = [];
  const problems: SourceProblem[] = [];
  for (const file of files) {
    const c = componentOfFile(file);
    if (!c) continue;
    try {
      const parsed = parseMetadataXml(readFileSync(file, 'utf8'));
      if (parsed.type !== c.kind.type) {
        problems.push({ file, line: 2, message: `the root element is <${parsed.type}>, but a .${c.kind.suffix} file holds a ${c.kind.type}` });
        continue;
      }
      components.push({ type: parsed.type, fullName: c.fullName, values: parsed.values, file, elements: parsed.elements, format: c.format });
    } catch (e) {
      if (e instanceof MetadataXmlError) problems.push({ file, line: e.line, column: e.column, message: e.message });
      else problems.push({ file, message: e instanceof Error ? e.message : String(e) });
    }
  }
  components.sort((a, b) => a.file.localeCompare(b.file));
  problems.sort((a, b) => a.file.localeCompare(b.file));
  return Promise.resolve({ components, problems });
}
