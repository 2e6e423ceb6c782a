import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { componentOfFile, type EcaPart } from '../../../src/domain/components.js';
import { assembleEcas, type Component, type Eca, ecaComponents } from '../../../src/domain/model.js';
import { type MetadataValues, parseMetadataXml, serializeMetadataXml } from '../../../src/domain/xml.js';

/** Real metadata from public repositories, read in place (never copied into the project). */
export const FIXTURES = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/fixtures/real-metadata');

const MINLOPRO = 'awesomeandrey__minlopro-dx__';

/** InformaticaCloud as its org retrieved it (commit 32557b03): _def* satellites, org-scoped values. */
export const INFORMATICA_RETRIEVED = [
  'InformaticaCloud@32557b03.eca-meta.xml',
  'InformaticaCloud_defOauthSet.ecaOauth-meta.xml',
  'InformaticaCloud_defGlblOauthSet.ecaGlblOauth-meta.xml',
  'InformaticaCloud_defOauthPlcy.ecaOauthPlcy-meta.xml',
  'InformaticaCloud_defPlcy.ecaPlcy-meta.xml',
].map((f) => MINLOPRO + f);

/** The same app as the project keeps it today (HEAD): other satellite names, other values. */
export const INFORMATICA_HEAD = [
  'InformaticaCloud.eca-meta.xml',
  'InformaticaCloud_oauth.ecaOauth-meta.xml',
  'InformaticaCloud_glbloauth.ecaGlblOauth-meta.xml',
  'InformaticaCloud_oauthPlcy.ecaOauthPlcy-meta.xml',
  'InformaticaCloud_plcy.ecaPlcy-meta.xml',
].map((f) => MINLOPRO + f);

export const LOOPBACK = ['MinloproSalesforceLoopback.eca-meta.xml', 'MinloproSalesforceLoopback_glbloauth.ecaGlblOauth-meta.xml', 'MinloproSalesforceLoopback_oauthPlcy.ecaOauthPlcy-meta.xml'].map(
  (f) => MINLOPRO + f
);

/** A Salesforce-packaged ECA header (distributionState Packaged). */
export const PACKAGED_HEADER = 'shakthi-sfdc__External-Client-App-For-2G-Package__Field_Create_MDAPI.eca-meta.xml';

/** The org that retrieved InformaticaCloud (in its orgScopedExternalApp and oauthLink). */
export const SOURCE_ORG_ID = '00D09000007w56S';

export function readFixture(file: string): string {
  return readFileSync(join(FIXTURES, file), 'utf8');
}

/** "owner__repo__Name@commit.suffix-meta.xml" as the component it holds. */
export function fixtureComponent(file: string): Component {
  const found = componentOfFile(file.replace(/^.*__/, '').replace(/@\w+(?=\.)/, ''));
  if (!found) throw new Error(`not an ECA file: ${file}`);
  return { type: found.kind.type, fullName: found.fullName, values: parseMetadataXml(readFixture(file)).values };
}

export function fixtureComponents(files: readonly string[]): Component[] {
  return files.map(fixtureComponent);
}

/** The one ECA the files make. */
export function fixtureEca(files: readonly string[]): Eca {
  const { ecas, orphans, duplicates } = assembleEcas(fixtureComponents(files));
  if (ecas.length !== 1 || orphans.length + duplicates.length > 0) throw new Error(`expected one ECA in ${files.join(', ')}`);
  return ecas[0];
}

/** A copy of the ECA with values merged into one part (undefined removes a field). */
export function withValues(eca: Eca, part: EcaPart, values: MetadataValues): Eca {
  const c = eca.parts[part] as Component | undefined;
  if (!c) throw new Error(`${eca.name} has no ${part}`);
  const merged: MetadataValues = { ...structuredClone(c.values), ...values };
  for (const [k, v] of Object.entries(values)) if (v === undefined) delete merged[k];
  return { ...eca, parts: { ...eca.parts, [part]: { ...c, values: merged } } };
}

/** Every component as the XML a deploy would send. */
export function deployedXml(eca: Eca): string {
  return ecaComponents(eca)
    .map((c) => serializeMetadataXml(c.type, c.values))
    .join('');
}

export function valuesOf(eca: Eca, part: EcaPart): MetadataValues {
  return (eca.parts[part] as Component | undefined)?.values ?? {};
}
