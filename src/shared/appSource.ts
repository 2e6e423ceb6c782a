/**
 * The steps generate and create share: flags -> a built, validated ECA; an ECA -> its source
 * files, written all together or not at all.
 */
import { join, relative } from 'node:path';
import type { Component, Eca } from '../domain/model.js';
import { type AppFlagValues, appSpecMessages as appFlagMessages, invalidAppError, specFromFlags, type SpecResult } from './appSpec.js';

export type PreparedApp = { eca: Eca; warnings: string[]; version: string; certificate?: SpecResult['certificate'] };

export async function prepareApp(flags: AppFlagValues, apiVersion: number, options: { certificatePem?: string } = {}): Promise<PreparedApp> {
  const [{ buildEca }, { validateEca }, { formatApiVersion }] = await Promise.all([
    import('../domain/build.js'),
    import('../domain/validate.js'),
    import('../domain/schema/index.js'),
  ]);
  const { spec, warnings, certificate } = await specFromFlags(flags, apiVersion, options);
  const version = formatApiVersion(apiVersion);
  const { eca, omitted } = buildEca(spec);
  if (omitted.length) warnings.push(appFlagMessages.getMessage('warning.Omitted', [version, omitted.join(', ')]));
  const problems = validateEca(eca, apiVersion);
  if (problems.length) throw invalidAppError(version, problems);
  return { eca, warnings, version, certificate };
}

export type SourceFile = { type: string; fullName: string; path: string; content: string };

/** The source files of the app's components, and of any component deployed beside it (`also`: a permission set). */
export async function planSourceFiles(eca: Eca, root: string, also: readonly Component[] = []): Promise<SourceFile[]> {
  const [{ ecaComponents }, { sourceLayoutOf, sourceFilePath }, { serializeMetadataXml }] = await Promise.all([
    import('../domain/model.js'),
    import('../domain/components.js'),
    import('../domain/xml.js'),
  ]);
  return [...ecaComponents(eca), ...also].map((c) => {
    const kind = sourceLayoutOf(c.type);
    if (!kind) throw new Error(`no source layout for ${c.type}`);
    return { type: c.type, fullName: c.fullName, path: join(root, sourceFilePath(kind, c.fullName)), content: serializeMetadataXml(c.type, c.values) };
  });
}

/** Refuses (FilesExistError, nothing written) when a file exists and force is off. */
export async function checkWritable(files: readonly SourceFile[], force: boolean): Promise<void> {
  const { existingFiles } = await import('./files.js');
  const existing = await existingFiles(files.map((f) => f.path));
  if (existing.length && !force) throw filesExistError(existing);
}

/**
 * Writes the files all together or not at all. Without force each file is created exclusively: a
 * file that appears meanwhile (another run into the same folder) is FilesExistError, nothing written.
 */
export async function writeSourceFiles(files: readonly SourceFile[], force: boolean): Promise<void> {
  await checkWritable(files, force);
  const { FileExistsError, writeFilesAtomically } = await import('./files.js');
  try {
    await writeFilesAtomically(
      files.map((f) => ({ path: f.path, content: f.content })),
      { exclusive: !force }
    );
  } catch (e) {
    if (e instanceof FileExistsError) throw filesExistError(e.paths);
    throw e;
  }
}

function filesExistError(paths: readonly string[]): Error {
  return appFlagMessages.createError('error.FilesExist', [paths.map((p) => `  ${relative(process.cwd(), p) || p}`).join('\n')]);
}
