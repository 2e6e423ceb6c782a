import { relative } from 'node:path';
import { Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { appFlagMessages, appFlags } from '../../shared/appFlags.js';
import { EcaCommand, errorCodesHelp } from '../../shared/ecaCommand.js';
import type { GenerateResult } from '../../operations/generate.js';

export type { GeneratedFile, GenerateResult } from '../../operations/generate.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.generate');

export default class Generate extends EcaCommand<GenerateResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly exitCodeTable = 'generate';
  public static readonly errorCodes = errorCodesHelp('generate');

  public static readonly flags = {
    ...appFlags,
    'api-version': Flags.string({ summary: appFlagMessages.getMessage('flags.api-version.summary') }),
    'output-dir': Flags.directory({ char: 'd', summary: appFlagMessages.getMessage('flags.output-dir.summary') }),
    force: Flags.boolean({ char: 'f', summary: appFlagMessages.getMessage('flags.force.summary'), default: false }),
  };

  public async run(): Promise<GenerateResult> {
    const { flags } = await this.parse(Generate);
    const [{ generateApp }, { settingRows, printKeyValues, printTable }] = await Promise.all([import('../../operations/generate.js'), import('../../shared/render.js')]);
    const result = await generateApp({ ...flags, apiVersion: flags['api-version'], outputDir: flags['output-dir'] });

    for (const w of result.warnings) this.warn(w);
    this.logSuccess(messages.getMessage('success', [String(result.files.length), result.name, relative(process.cwd(), result.outputDir) || '.']));
    printTable(this, {
      empty: '',
      columns: [
        { key: 'type', name: 'Type', whole: true },
        { key: 'fullName', name: 'Full Name', whole: true },
        { key: 'path', name: 'Path', whole: true },
      ],
      data: result.files.map((f) => ({ type: f.type, fullName: f.fullName, path: relative(process.cwd(), f.path) })),
    });
    printKeyValues(this, { title: messages.getMessage('settingsTitle'), pairs: settingRows(result.settings).map((r) => [r.Setting, r.Value] as const), empty: '', headers: ['Setting', 'Value'] });
    return result;
  }
}
