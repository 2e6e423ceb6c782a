/**
 * The private key `create --template jwt-ci` generates when no --certificate is given: where it
 * goes, checked before anything is deployed (src/shared/secretPaths.ts: never inside a package
 * directory or a git work tree that would commit it, symbolic links followed), and its write (mode
 * 0600, exclusive unless --force), done as soon as the deploy has succeeded.
 */
import { join, resolve } from 'node:path';
import { Messages } from '@salesforce/core';
import { existingFiles, FileExistsError, writeFilesAtomically } from '../shared/files.js';
import { generateKeyAndCertificate, type KeyAndCertificate } from '../shared/keys.js';
import { packageDirectoryPaths } from '../shared/project.js';
import { secretPathError, secretPathProblem } from '../shared/secretPaths.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.create');

export type KeyPlan = { keyFile: string; keys: KeyAndCertificate };

export async function planKey(input: { name: string; keyDir?: string; force: boolean; certValidityDays: number }): Promise<KeyPlan> {
  if (!input.keyDir) throw messages.createError('error.MissingKeyDir', [], [input.name]);
  const keyFile = join(resolve(input.keyDir), `${input.name}.key`);
  const problem = await secretPathProblem(keyFile, await packageDirectoryPaths());
  if (problem) throw secretPathError(problem, '--key-dir', `--key-dir ${input.keyDir}`);
  if ((await existingFiles([keyFile])).length && !input.force) throw messages.createError('error.KeyExists', [keyFile]);
  return { keyFile, keys: await generateKeyAndCertificate(input.name, input.certValidityDays) };
}

/**
 * Writes the key (0600) and returns where: exclusively unless --force, so a file that appeared at
 * that path meanwhile is never replaced; the key then goes beside it under a name of its own
 * (`<App>.<time>.key`) rather than being lost, since the app in the org already holds its certificate.
 */
export async function writeKey(plan: KeyPlan, force: boolean): Promise<string> {
  const write = (path: string, exclusive: boolean): Promise<void> =>
    writeFilesAtomically([{ path, content: plan.keys.privateKeyPem, mode: 0o600 }], { exclusive });
  try {
    await write(plan.keyFile, !force);
    return plan.keyFile;
  } catch (e) {
    if (!(e instanceof FileExistsError)) throw e;
  }
  const aside = plan.keyFile.replace(/\.key$/, `.${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}.key`);
  await write(aside, true);
  return aside;
}
