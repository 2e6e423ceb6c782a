import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Eca } from '../../../src/domain/model.js';
import { ecaComponents } from '../../../src/domain/model.js';
import { getPath, isRecord } from '../../../src/domain/convert/paths.js';
import { parseMetadataXml, type MetadataValue, type MetadataValues, type ParsedMetadata } from '../../../src/domain/xml.js';

/** Real metadata from public repositories, read in place (never copied into the project). */
export const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/fixtures/real-metadata');

export const THESPIS = 'PatrickDennisSFDC__agentforce-thespis-sfdc-app__Thespis.connectedApp-meta.xml';

export const CONNECTED_APP_FILES = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.connectedApp-meta.xml'))
  .sort();

export function readFixture(file: string): string {
  return readFileSync(join(FIXTURES, file), 'utf8');
}

export function parseFixture(file: string): ParsedMetadata {
  return parseMetadataXml(readFixture(file));
}

/** "owner__repo__Name@commit.suffix-meta.xml" -> "Name" */
export function fullNameOf(file: string): string {
  return file.replace(/^.*__/, '').replace(/(@\w+)?\.[A-Za-z]+-meta\.xml$/, '');
}

/** A Connected App from the fixtures, as convertConnectedApp takes it. */
export function connectedApp(file: string): { fullName: string; values: MetadataValues } {
  return { fullName: fullNameOf(file), values: parseFixture(file).values };
}

/** The value an ECA holds at "ExtlClntAppGlobalOauthSettings.idTokenConfig.idTokenValidityInMinutes". */
export function valueAt(eca: Eca, target: string): MetadataValue | undefined {
  const [type, ...path] = target.split('.');
  const component = ecaComponents(eca).find((c) => c.type === type);
  return component ? getPath(component.values, path.join('.')) : undefined;
}

/** Every leaf field path of a Connected App's values ("oauthConfig.scopes", "label"), lists as one. */
export function leafPaths(values: MetadataValues, prefix = ''): string[] {
  return Object.entries(values).flatMap(([key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return isRecord(value) ? leafPaths(value, path) : [path];
  });
}
