import { join, relative, resolve } from 'node:path';
import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import type { EcaSummary } from '../../domain/summary.js';
import { appFlagMessages, appFlags, checkApiVersion, invalidAppError, specFromFlags } from '../../shared/appFlags.js';

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

  public static readonly flags = {
    ...appFlags,
    'api-version': Flags.string({ summary: appFlagMessages.getMessage('flags.api-version.summary') }),
    'output-dir': Flags.directory({ char: 'd', summary: appFlagMessages.getMessage('flags.output-dir.summary') }),
    force: Flags.boolean({ char: 'f', summary: appFlagMessages.getMessage('flags.force.summary'), default: false }),
  };

  public async run(): Promise<GenerateResult> {
    const { flags } = await this.parse(Generate);
    const apiVersion = await checkApiVersion(flags['api-version']);
    const { spec, warnings } = await specFromFlags(flags, apiVersion);

    const [{ buildEca }, { validateEca }, { ecaComponents }, { componentByType, sourceFilePath }, { serializeMetadataXml }, { summarizeEca }, schema, files, project] =
      await Promise.all([
        import('../../domain/build.js'),
        import('../../domain/validate.js'),
        import('../../domain/model.js'),
        import('../../domain/components.js'),
        import('../../domain/xml.js'),
        import('../../domain/summary.js'),
        import('../../domain/schema/index.js'),
        import('../../shared/files.js'),
        import('../../shared/project.js'),
      ]);

    const version = schema.formatApiVersion(apiVersion);
    const { eca, omitted } = buildEca(spec);
    if (omitted.length) warnings.push(appFlagMessages.getMessage('warning.Omitted', [version, omitted.join(', ')]));
    const problems = validateEca(eca, apiVersion);
    if (problems.length) throw invalidAppError(version, problems);

    const root = flags['output-dir'] ? resolve(flags['output-dir']) : await project.defaultSourceRoot();
    if (!root) throw appFlagMessages.createError('error.NoProject');

    const planned = ecaComponents(eca).map((c) => {
      const kind = componentByType(c.type);
      if (!kind) throw new Error(`no source layout for ${c.type}`);
      return { component: c, path: join(root, sourceFilePath(kind, c.fullName)), content: serializeMetadataXml(c.type, c.values) };
    });
    const existing = await files.existingFiles(planned.map((p) => p.path));
    if (existing.length && !flags.force) {
      throw appFlagMessages.createError('error.FilesExist', [existing.map((p) => `  ${relative(process.cwd(), p) || p}`).join('\n')]);
    }
    await files.writeFilesAtomically(planned.map((p) => ({ path: p.path, content: p.content })));

    const result: GenerateResult = {
      name: eca.name,
      template: flags.template,
      apiVersion: version,
      outputDir: root,
      files: planned.map((p) => ({ type: p.component.type, fullName: p.component.fullName, path: p.path })),
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
