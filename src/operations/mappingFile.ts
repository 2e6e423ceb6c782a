/**
 * The migrate mapping file as diff and restore use it: read and checked once (migrate's reader),
 * resolved for the org the left side is compared with or restored into, with the certificate
 * files it names read relative to the mapping file.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { certificateFiles, type ResolvedMapping, resolveMapping, type TargetRef } from '../domain/migrate/mapping.js';
import { type Mapping, readMapping } from './migrate.js';

export type { Mapping };
export { readMapping };

export type MappingForTarget = { readonly mapping: ResolvedMapping; readonly certificates: ReadonlyMap<string, string> };

/** The mapping for one target, and the certificate files it names for these apps (a file that cannot be read is reported by the transform). */
export async function mappingFor(file: Mapping, target: TargetRef, apps: readonly string[]): Promise<MappingForTarget> {
  const mapping = resolveMapping(file.mapping, target);
  const certificates = new Map<string, string>();
  for (const path of certificateFiles(mapping, apps)) {
    try {
      // eslint-disable-next-line no-await-in-loop
      certificates.set(path, await readFile(resolve(file.dir, path), 'utf8'));
    } catch {
      // transformForTarget reports a certificate it did not get
    }
  }
  return { mapping, certificates };
}
