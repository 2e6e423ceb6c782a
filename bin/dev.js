#!/usr/bin/env node
// The plugin from src/ (TypeScript), no build needed. oclif's development mode registers tsx itself and
// maps lib/ to src/; the manifest is ignored because it points at lib/, which may be stale or absent.
// The shebang must not say `--import tsx`: tsx's module lexer misreads the word "import" in a hashbang
// line, fails to parse this very file and crashes ("Parse error bin/dev.js:4:49").
import { launch } from './launch.js';

await launch({ dir: import.meta.url, development: true, ignoreManifest: true });
