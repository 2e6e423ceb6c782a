#!/usr/bin/env node
// Writes schemas/eca-<command>.json, the JSON Schema of each command's --json result, from the
// result type the command returns (EcaCommand<<Name>Result>), declared in the command's file or in
// its operation (src/operations/...). Run after changing a result type:
// npm run generate:result-schemas. A test fails when a schema is stale.
import { readdirSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGenerator } from 'ts-json-schema-generator';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const commandsDir = join(root, 'src', 'commands');
const operationsDir = join(root, 'src', 'operations');
const check = process.argv.includes('--check');

function walk(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

// schemas/eca-report.json describes report.json, the file `sf eca report` writes (generate-report-schema.mjs);
// the command's --json result (a summary of it) has a schema of its own
const RENAMED = { 'eca-report': 'eca-report-result' };

let stale = 0;
for (const file of walk(commandsDir)) {
  const id = relative(commandsDir, file).replace(/\.ts$/, '').split('/');
  const source = readFileSync(file, 'utf8');
  const m = /extends \w*Command<(\w+Result)>/.exec(source);
  if (!m) throw new Error(`${file} returns no <Name>Result type`);
  const declares = (f) => new RegExp(`export type ${m[1]} = `).test(readFileSync(f, 'utf8'));
  const declaring = [file, ...walk(operationsDir)].find(declares);
  if (!declaring) throw new Error(`no file declares ${m[1]}`);
  const schema = createGenerator({
    path: declaring,
    tsconfig: join(root, 'tsconfig.json'),
    type: m[1],
    skipTypeCheck: true,
    additionalProperties: false,
    expose: 'export',
    topRef: true,
  }).createSchema(m[1]);
  const out = join(root, 'schemas', `${RENAMED[id.join('-')] ?? id.join('-')}.json`);
  const text = `${JSON.stringify(schema, null, 2)}\n`;
  let current = '';
  try {
    current = readFileSync(out, 'utf8');
  } catch {}
  if (check) {
    if (current !== text) {
      console.error(`stale: ${relative(root, out)}`);
      stale++;
    }
  } else {
    writeFileSync(out, text);
    console.log(`wrote ${relative(root, out)} (${m[1]})`);
  }
}
if (stale) process.exit(1);
