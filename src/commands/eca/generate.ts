import { relative, resolve } from 'node:path';
import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import type { EcaSummary } from '../../domain/summary.js';
import { appFlagMessages, appFlags, checkApiVersion } from '../../shared/appFlags.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.generate');

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

export default class Generate extends SfCommand<GenerateResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = {
    header: 'ERROR CODES',
    body: [
      { name: 'Written (0)', description: 'Every file was written.' },
      { name: 'Failed (1)', description: 'Bad input (a named error says which and what to do); nothing was written.' },
      { name: 'Usage (2)', description: 'A flag the parser rejects, such as an unknown template.' },
    ],
  };

  public static readonly flags = {
    ...appFlags,
    'api-version': Flags.string({ summary: appFlagMessages.getMessage('flags.api-version.summary') }),
    'output-dir': Flags.directory({ char: 'd', summary: appFlagMessages.getMessage('flags.output-dir.summary') }),
    force: Flags.boolean({ char: 'f', summary: appFlagMessages.getMessage('flags.force.summary'), default: false }),
  };

  public async run(): Promise<GenerateResult> {
    const { flags } = await this.parse(Generate);
    const apiVersion = await checkApiVersion(flags['api-version']);
    const [{ summarizeEca }, appSource, project] = await Promise.all([
      import('../../domain/summary.js'),
      import('../../shared/appSource.js'),
      import('../../shared/project.js'),
    ]);
    const { eca, warnings, version } = await appSource.prepareApp(flags, apiVersion);

    const root = flags['output-dir'] ? resolve(flags['output-dir']) : await project.defaultSourceRoot();
    if (!root) throw appFlagMessages.createError('error.NoProject');
    const planned = await appSource.planSourceFiles(eca, root);
    await appSource.writeSourceFiles(planned, flags.force);

    const result: GenerateResult = {
      name: eca.name,
      template: flags.template,
      apiVersion: version,
      outputDir: root,
      files: planned.map((p) => ({ type: p.type, fullName: p.fullName, path: p.path })),
      settings: summarizeEca(eca),
      warnings,
    };
    for (const w of warnings) this.warn(w);
    this.logSuccess(messages.getMessage('success', [String(result.files.length), eca.name, relative(process.cwd(), root) || '.']));
    this.table({
      data: result.files.map((f) => ({ Type: f.type, 'Full Name': f.fullName, Path: relative(process.cwd(), f.path) })),
    });
    const { settingRows } = await import('../../shared/render.js');
    this.table({ data: settingRows(result.settings), title: messages.getMessage('settingsTitle') });
    return result;
  }
}
