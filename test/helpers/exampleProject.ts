/**
 * Mocha hooks for command tests that run in a copy of examples/ (the example sfdx project) as the
 * working directory, with the real project resolution and the UX stubbed: call inside describe().
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from '@salesforce/core/testSetup';
import { stubSfCommandUx } from '@salesforce/sf-plugins-core';
import { ROOT } from './paths.js';

export const EXAMPLES = join(ROOT, 'examples');

/** A fresh copy of examples/ (without its out/ folder) in a temporary folder. */
export function copyExamples(prefix = 'eca-examples-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cpSync(EXAMPLES, dir, { recursive: true, filter: (src) => !src.includes(join(EXAMPLES, 'out')) });
  return dir;
}

export type ExampleProject = { readonly dir: string; readonly ux: ReturnType<typeof stubSfCommandUx> };

export function inExampleProject($$: TestContext, prefix?: string): ExampleProject {
  const state: { dir: string; cwd: string; ux?: ReturnType<typeof stubSfCommandUx> } = { dir: '', cwd: '' };
  beforeEach(() => {
    // the real project resolution and project files: keep only the logger and UX stubs
    $$.SANDBOXES.PROJECT.restore();
    $$.SANDBOXES.CONFIG.restore();
    state.ux = stubSfCommandUx($$.SANDBOX);
    state.cwd = process.cwd();
    state.dir = copyExamples(prefix);
    process.chdir(state.dir);
    process.exitCode = undefined;
  });
  afterEach(() => {
    process.chdir(state.cwd);
    process.exitCode = undefined;
    rmSync(state.dir, { recursive: true, force: true });
    $$.restore();
  });
  return {
    get dir(): string {
      return state.dir;
    },
    get ux(): ReturnType<typeof stubSfCommandUx> {
      return state.ux as ReturnType<typeof stubSfCommandUx>;
    },
  };
}
