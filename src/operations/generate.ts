/**
 * `sf eca generate`: the source files of a new External Client App from a template and the app
 * flags, written all together or not at all. No org.
 */
import { resolve } from 'node:path';
import { type AppFlagValues, appSpecMessages, checkApiVersion } from '../shared/appSpec.js';
import { planSourceFiles, prepareApp, writeSourceFiles } from '../shared/appSource.js';
import { defaultSourceRoot } from '../shared/project.js';
import { type EcaSummary, summarizeEca } from '../domain/summary.js';

export type GeneratedFile = { type: string; fullName: string; path: string };

export type GenerateResult = {
  name: string;
  template: string;
  apiVersion: string;
  outputDir: string;
  files: GeneratedFile[];
  settings: EcaSummary;
  warnings: string[];
};

export type GenerateInput = AppFlagValues & { apiVersion?: string; outputDir?: string; force: boolean };

export async function generateApp(input: GenerateInput): Promise<GenerateResult> {
  const apiVersion = await checkApiVersion(input.apiVersion);
  const { eca, warnings, version } = await prepareApp(input, apiVersion);
  const root = input.outputDir ? resolve(input.outputDir) : await defaultSourceRoot();
  if (!root) throw appSpecMessages.createError('error.NoProject');
  const planned = await planSourceFiles(eca, root);
  await writeSourceFiles(planned, input.force);
  return {
    name: eca.name,
    template: input.template,
    apiVersion: version,
    outputDir: root,
    files: planned.map((p) => ({ type: p.type, fullName: p.fullName, path: p.path })),
    settings: summarizeEca(eca),
    warnings,
  };
}
