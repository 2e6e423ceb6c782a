import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Real metadata from public repositories, read in place from ../shared (never copied). */
export const FIXTURES = resolve(ROOT, '..', 'shared', 'fixtures', 'real-metadata');
export const BIN = join(ROOT, 'bin', 'run.js');
