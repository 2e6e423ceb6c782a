#!/usr/bin/env node
// The plugin from src/ (TypeScript), no build needed. oclif's development mode registers tsx itself and
// maps lib/ to src/; the manifest is ignored because it points at lib/, which may be stale or absent.
// The shebang must not say `--import tsx`: tsx does not strip the hashbang before its module lexer reads
// a file with a dynamic import, so it crashed on this very file ("Parse error bin/dev.js:4:49"; open
// upstream as privatenumber/tsx#842).
import { launch } from './launch.js';

await launch({ dir: import.meta.url, development: true, ignoreManifest: true });
