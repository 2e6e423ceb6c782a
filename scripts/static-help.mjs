#!/usr/bin/env node
// Runs after `oclif manifest` (npm run build): lets oclif answer `--help` from oclif.manifest.json
// without importing the command module.
//
// oclif imports a command for its help when the manifest marks it `hasDynamicHelp`, i.e. when a flag
// computes its help default at run time. sf then loads the module and all it imports (our own copies of
// @salesforce/core, jsforce, undici, zod, ink, ...: about 1,850 files) only to print text the manifest
// already holds. Two kinds of flags do that here, and neither needs it:
//   - target-org (sf-plugins-core's requiredOrg/optionalOrg): the help default would be the user's
//     default org, found by opening it (auth file, decryption, a DNS lookup of the instance; offline it
//     fails and shows nothing). The flag's summary already says it falls back to the target-org config.
//   - duration flags (--wait): the default depends only on the flag's own options, and `oclif manifest`
//     has already cached its text ("10 minutes").
// Any other dynamic flag fails the build, so a new one is looked at rather than silently made static.
// Usage: node scripts/static-help.mjs [--check] [manifest]   (--check: change nothing, exit 1 if a command
// would change; manifest: default oclif.manifest.json of this repository)
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const check = args.includes('--check');
const file = resolve(args.find((a) => !a.startsWith('--')) ?? resolve(dirname(fileURLToPath(import.meta.url)), '..', 'oclif.manifest.json'));
const manifest = JSON.parse(readFileSync(file, 'utf8'));

/** Org flags whose default is the user's own configuration: never cached, never needed for help. */
const ORG_FLAGS = new Set(['target-org', 'target-dev-hub']);

const problems = [];
const changed = [];
for (const [id, command] of Object.entries(manifest.commands)) {
  for (const [name, flag] of Object.entries(command.flags ?? {})) {
    if (!flag.hasDynamicHelp) continue;
    const orgFlag = ORG_FLAGS.has(name) && flag.noCacheDefault === true && flag.default === undefined;
    const cachedText = typeof flag.default === 'string' && flag.default.length > 0;
    if (orgFlag || cachedText) flag.hasDynamicHelp = false;
    else problems.push(`${id}: --${name} computes its help default at run time (cached: ${JSON.stringify(flag.default)})`);
  }
  const dynamic = Object.values(command.flags ?? {}).some((f) => f.hasDynamicHelp);
  if (command.hasDynamicHelp !== dynamic) changed.push(id);
  command.hasDynamicHelp = dynamic;
}

if (problems.length > 0) {
  console.error(`static-help: these flags would make sf import the command module for --help:\n  ${problems.join('\n  ')}\n` +
    'Give the flag a static default, or teach scripts/static-help.mjs why its help default may be left out.');
  process.exit(1);
}
if (check) {
  if (changed.length > 0) {
    console.error(`static-help: oclif.manifest.json still marks ${changed.join(', ')} as dynamic help: run npm run build`);
    process.exit(1);
  }
} else {
  writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`static-help: ${changed.length} command(s) answer --help from the manifest (${changed.join(', ') || 'none changed'})`);
}
