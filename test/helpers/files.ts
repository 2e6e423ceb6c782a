import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every file under dir, relative to it, sorted; [] when dir does not exist. */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)))
    .sort();
}
