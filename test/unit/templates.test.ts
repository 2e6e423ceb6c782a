/**
 * Safe by default means our own audit agrees (issue 16): every template, at its defaults and at
 * every API version it supports, passes the policy rules with no finding at medium or above; and a
 * template asked for at an API version that lacks what its flow needs is refused by name, not built
 * without its flow.
 */
import { expect } from 'chai';
import { buildEca, TemplateApiVersionError, templateMinApiVersion } from '../../src/domain/build.js';
import { assembleEcas, ecaComponents } from '../../src/domain/model.js';
import { evaluate } from '../../src/domain/policy/evaluate.js';
import { fromEca } from '../../src/domain/policy/app.js';
import { severityRank } from '../../src/domain/policy/rules.js';
import { LATEST_KNOWN_API_VERSION, MIN_ECA_API_VERSION } from '../../src/domain/schema/index.js';
import { TEMPLATE_NAMES, type TemplateName } from '../../src/domain/templates.js';
import { parseMetadataXml, serializeMetadataXml } from '../../src/domain/xml.js';
import { makeCert } from '../helpers/certs.js';

/** The least a user must give for each template: what generate and create ask for, nothing more. */
function defaults(template: TemplateName, certificate: string): { callbackUrls?: string[]; runAs?: string; certificate?: string } {
  switch (template) {
    case 'web-app':
    case 'public-client':
      return { callbackUrls: ['https://app.acme.example/oauth/callback'] };
    case 'server-to-server':
      return { runAs: 'integration@acme.example' };
    case 'jwt-ci':
      return { certificate };
    default:
      return {};
  }
}

describe('templates at their defaults', () => {
  let certificate: string;
  before(async () => {
    certificate = (await makeCert(365)).cert;
  });

  it('need API 60 for the server-side flows and the device flow, and nothing newer than the schema knows', () => {
    expect(templateMinApiVersion('server-to-server')).to.equal(60);
    expect(templateMinApiVersion('jwt-ci')).to.equal(60);
    expect(templateMinApiVersion('device')).to.equal(60);
    expect(templateMinApiVersion('public-client')).to.equal(60);
    expect(templateMinApiVersion('web-app')).to.equal(MIN_ECA_API_VERSION);
  });

  for (const template of TEMPLATE_NAMES) {
    it(`${template}: every supported API version passes the policy check with nothing at medium or above`, () => {
      for (let apiVersion = templateMinApiVersion(template); apiVersion <= LATEST_KNOWN_API_VERSION; apiVersion++) {
        const { eca } = buildEca({ name: 'Acme_App', contactEmail: 'ops@acme.example', template, apiVersion, ...defaults(template, certificate) });
        // read back from the files generate writes, as policy check reads them
        const files = ecaComponents(eca).map((c) => ({ ...parseMetadataXml(serializeMetadataXml(c.type, c.values)), fullName: c.fullName }));
        const { ecas } = assembleEcas(files.map((f) => ({ type: f.type, fullName: f.fullName, values: f.values })));
        const { findings } = evaluate([fromEca(ecas[0])]);
        const blocking = findings.filter((f) => severityRank(f.severity) >= severityRank('medium')).map((f) => `${f.ruleId}:${f.severity}`);
        expect(blocking, `${template} at API ${apiVersion}`).to.deep.equal([]);
      }
    });

    if (templateMinApiVersion(template) > MIN_ECA_API_VERSION) {
      it(`${template}: an API version older than it needs is a named error that says which`, () => {
        const asked = templateMinApiVersion(template) - 1;
        let thrown: unknown;
        try {
          buildEca({ name: 'Acme_App', contactEmail: 'ops@acme.example', template, apiVersion: asked, ...defaults(template, certificate) });
        } catch (e) {
          thrown = e;
        }
        expect(thrown).to.be.instanceOf(TemplateApiVersionError);
        const e = thrown as TemplateApiVersionError;
        expect(e.name).to.equal('TemplateNeedsNewerApiVersionError');
        expect(e.exitCode).to.equal(1);
        expect(e.message).to.contain(template).and.contain(`${asked}.0`).and.contain(`${templateMinApiVersion(template)}.0`);
        expect(e.message.length, 'a sentence, not a wall of field names').to.be.lessThan(400);
        expect(e.actions.join('\n')).to.contain(`--api-version ${templateMinApiVersion(template)}.0`);
      });
    }
  }

  it('jwt-ci keeps RefreshToken, which `sf org login jwt` needs, and the audit does not ask to remove it', () => {
    const { eca } = buildEca({ name: 'Acme_CI', contactEmail: 'ops@acme.example', template: 'jwt-ci', apiVersion: 66, certificate });
    const { findings } = evaluate([fromEca(eca)]);
    expect(String(eca.parts.oauthSettings?.values.commaSeparatedOauthScopes)).to.contain('RefreshToken');
    expect(findings.map((f) => f.ruleId)).to.not.include('scope-refresh-token-unneeded');
    expect(findings.filter((f) => f.fix).map((f) => f.fix?.set)).to.not.deep.include({ commaSeparatedOauthScopes: 'Api, Web' });
  });
});
