#!/usr/bin/env node
// Writes schemas/eca-report.json, the JSON Schema of report.json (`sf eca report --format json`),
// from the ReportData type in src/domain/report/model.ts. Run after changing that type:
// node scripts/generate-report-schema.mjs. With --check it only says whether the file is stale
// (a unit test runs it so). Kept apart from generate-result-schemas.mjs, which derives one schema
// per command result; report.json is a file format, not a command result.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGenerator } from 'ts-json-schema-generator';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src', 'domain', 'report', 'model.ts');
const out = join(root, 'schemas', 'eca-report.json');
const type = 'ReportData';

const schema = createGenerator({
  path: source,
  tsconfig: join(root, 'tsconfig.json'),
  type,
  skipTypeCheck: true,
  additionalProperties: false,
  expose: 'export',
  topRef: true,
}).createSchema(type);
schema.title = 'plugin-eca migration report (report.json)';
const text = `${JSON.stringify(schema, null, 2)}\n`;

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(out, 'utf8');
  } catch {}
  if (current !== text) {
    console.error(`stale: ${relative(root, out)} (run node scripts/generate-report-schema.mjs)`);
    process.exit(1);
  }
} else {
  writeFileSync(out, text);
  console.log(`wrote ${relative(root, out)} (${type})`);
}
