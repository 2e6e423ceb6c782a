/**
 * Where source goes: the sfdx project's default package directory (main/default inside it),
 * the folder SDR and `sf project deploy start` read.
 */
import { join, resolve } from 'node:path';
import { SfProject } from '@salesforce/core';

/** The folder that holds the type folders (externalClientApps/, ...), or undefined outside a project. */
export async function defaultSourceRoot(cwd: string = process.cwd()): Promise<string | undefined> {
  try {
    const project = await SfProject.resolve(cwd);
    const pkg = project.getDefaultPackage();
    return join(resolve(project.getPath(), pkg.path), 'main', 'default');
  } catch {
    return undefined;
  }
}

/** Absolute paths of every package directory of the project around cwd (empty outside a project). */
export async function packageDirectoryPaths(cwd: string = process.cwd()): Promise<string[]> {
  try {
    const project = await SfProject.resolve(cwd);
    return project.getPackageDirectories().map((p) => resolve(project.getPath(), p.path));
  } catch {
    return [];
  }
}

/** The sfdx project's root around cwd, else cwd. */
export async function projectRoot(cwd: string = process.cwd()): Promise<string> {
  return SfProject.resolveProjectPath(cwd).catch(() => cwd);
}

/** The sourceApiVersion of the sfdx project around `dir` ("66.0"), or undefined outside a project or when it has none. */
export async function projectSourceApiVersion(dir: string = process.cwd()): Promise<string | undefined> {
  try {
    const project = await SfProject.resolve(dir);
    const v = project.getSfProjectJson().getContents().sourceApiVersion;
    return typeof v === 'string' && /^\d+(\.\d+)?$/.test(v) ? v : undefined;
  } catch {
    return undefined;
  }
}
