#!/usr/bin/env node
// Writes the JSON Schemas of documents and results that domain types describe (not a command's
// <Name>Result, which generate-result-schemas.mjs covers): the snapshot manifest (snapshot.json).
// The result of `sf eca diff --json` (schemas/eca-diff.json) comes from the command's DiffResult
// through generate-result-schemas.mjs. Run after changing one of these types:
//   node scripts/generate-domain-schemas.mjs
// A unit test runs it with --check and fails when a schema is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGenerator } from 'ts-json-schema-generator';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const check = process.argv.includes('--check');

const SCHEMAS = [
  { source: 'src/domain/snapshot/manifest.ts', type: 'SnapshotManifest', out: 'schemas/eca-snapshot-manifest.json' },
];

let stale = 0;
for (const { source, type, out } of SCHEMAS) {
  const schema = createGenerator({
    path: join(root, source),
    tsconfig: join(root, 'tsconfig.json'),
    type,
    skipTypeCheck: true,
    additionalProperties: false,
    expose: 'export',
    topRef: true,
  }).createSchema(type);
  const file = join(root, out);
  const text = `${JSON.stringify(schema, null, 2)}\n`;
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {}
  if (check) {
    if (current !== text) {
      console.error(`stale: ${relative(root, file)}`);
      stale++;
    }
  } else {
    writeFileSync(file, text);
    console.log(`wrote ${relative(root, file)} (${type})`);
  }
}
if (stale) process.exit(1);
else if (check) console.log('up to date');
