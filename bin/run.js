#!/usr/bin/env node
// The built plugin (lib/ and oclif.manifest.json) without sf: `npm run build` first.
import { launch } from './launch.js';

await launch({ dir: import.meta.url });
