import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Component, Eca } from '../../src/domain/model.js';
import { assembleEcas } from '../../src/domain/model.js';
import { developerNameProblem, orderProblem, toDeveloperName, validateComponent, validateEca } from '../../src/domain/validate.js';
import { parseMetadataXml } from '../../src/domain/xml.js';
import { buildEca } from '../../src/domain/build.js';
import { FIXTURES } from '../helpers/paths.js';

function comp(type: string, fullName: string, values: Component['values']): Component {
  return { type, fullName, values };
}

function sampleEca(): Eca {
  return buildEca({ name: 'Acme', contactEmail: 'a@acme.example', apiVersion: 66, template: 'server-to-server', runAs: 'int@acme.example' }).eca;
}

describe('validation', () => {
  it('accepts a generated app and every real ECA fixture set', () => {
    expect(validateEca(sampleEca(), 66)).to.deep.equal([]);
    const files = [
      'awesomeandrey__minlopro-dx__InformaticaCloud@32557b03.eca-meta.xml',
      'awesomeandrey__minlopro-dx__InformaticaCloud_defGlblOauthSet.ecaGlblOauth-meta.xml',
      'awesomeandrey__minlopro-dx__InformaticaCloud_defOauthPlcy.ecaOauthPlcy-meta.xml',
      'awesomeandrey__minlopro-dx__InformaticaCloud_defOauthSet.ecaOauth-meta.xml',
      'awesomeandrey__minlopro-dx__InformaticaCloud_defPlcy.ecaPlcy-meta.xml',
    ];
    const comps = files.map((f) => {
      const p = parseMetadataXml(readFileSync(join(FIXTURES, f), 'utf8'));
      const fullName = f.replace(/^.*__/, '').replace(/(@\w+)?\.[A-Za-z]+-meta\.xml$/, '');
      return comp(p.type, fullName, p.values);
    });
    const { ecas, orphans } = assembleEcas(comps);
    expect(orphans).to.deep.equal([]);
    expect(ecas).to.have.length(1);
    expect(Object.keys(ecas[0].parts).sort()).to.deep.equal(['globalOauthSettings', 'header', 'oauthPolicies', 'oauthSettings', 'policies']);
    expect(validateEca(ecas[0], 66)).to.deep.equal([]);
  });

  it('reports an unknown field with the fields that exist', () => {
    const [p] = validateComponent(comp('ExtlClntAppOauthSettings', 'A_oauth', { externalClientApplication: 'A', scopes: 'Api' }), 66);
    expect(p).to.include({ code: 'unknown-field', component: 'ExtlClntAppOauthSettings:A_oauth', field: 'scopes' });
    expect(p.fix).to.contain('commaSeparatedOauthScopes');
    expect(p.platformMessage).to.equal(
      'Error parsing file: Element {http://soap.sforce.com/2006/04/metadata}scopes invalid at this location in type ExtlClntAppOauthSettings'
    );
  });

  it('reports a value outside its enum in Salesforce words', () => {
    const [p] = validateComponent(comp('ExternalClientApplication', 'A', { distributionState: 'Everywhere' }), 66);
    expect(p).to.include({ code: 'invalid-enum', field: 'distributionState' });
    expect(p.fix).to.contain('Local, Packaged');
    expect(p.platformMessage).to.equal("Error parsing file: 'Everywhere' is not a valid value for the enum 'ExtlClntAppDistState'");
  });

  it('reports a missing required field', () => {
    const problems = validateComponent(comp('ExtlClntAppConfigurablePolicies', 'A_plcy', { externalClientApplication: 'A' }), 66);
    expect(problems.map((p) => [p.code, p.field])).to.deep.equal([['missing-required', 'isEnabled']]);
  });

  it('reports a field newer than the target API version', () => {
    const problems = validateComponent(comp('ExtlClntAppGlobalOauthSettings', 'A_g', { externalClientApplication: 'A', certificate: 'x' }), 59);
    expect(problems.map((p) => [p.code, p.field])).to.deep.equal([['field-too-new', 'certificate']]);
    expect(problems[0].fix).to.contain('--api-version 60.0');
  });

  it('reports a type newer than the target API version', () => {
    const problems = validateComponent(comp('ExtlClntAppCanvasSettings', 'A_c', { externalClientApplication: 'A', canvasUrl: 'https://x' }), 65);
    expect(problems[0]).to.include({ code: 'type-too-new' });
  });

  it('reports wrong scalar types', () => {
    const problems = validateComponent(
      comp('ExtlClntAppOauthConfigurablePolicies', 'A_p', { externalClientApplication: 'A', isClientCredentialsFlowEnabled: 'yes', sessionTimeoutInMinutes: 'ten' }),
      66
    );
    expect(problems.map((p) => p.field)).to.deep.equal(['isClientCredentialsFlowEnabled', 'sessionTimeoutInMinutes']);
  });

  it('reports a satellite that names another app', () => {
    const eca = sampleEca();
    eca.parts.oauthPolicies!.values.externalClientApplication = 'Other';
    const problems = validateEca(eca, 66);
    expect(problems.map((p) => [p.code, p.component])).to.deep.equal([['broken-reference', 'ExtlClntAppOauthConfigurablePolicies:Acme_oauthPlcy']]);
    expect(problems[0].fix).to.equal('Set <externalClientApplication>Acme</externalClientApplication>.');
  });

  it('reports satellites without a header, and assembly finds orphans by reference not by name', () => {
    const { ecas, orphans } = assembleEcas([
      comp('ExternalClientApplication', 'Acme', { label: 'Acme' }),
      comp('ExtlClntAppOauthSettings', 'Whatever_Name', { externalClientApplication: 'Acme' }),
      comp('ExtlClntAppOauthSettings', 'Acme_oauth', { externalClientApplication: 'Ghost' }),
    ]);
    expect(ecas[0].parts.oauthSettings?.fullName).to.equal('Whatever_Name');
    expect(orphans.map((o) => o.fullName)).to.deep.equal(['Acme_oauth']);
    expect(validateEca({ name: 'Ghost', parts: { oauthSettings: orphans[0] as never } }, 66)[0]).to.include({ code: 'missing-header' });
  });

  it('checks developer names', () => {
    expect(developerNameProblem('Acme_CI')).to.equal(undefined);
    expect(developerNameProblem('1Acme')).to.contain('begin with a letter');
    expect(developerNameProblem('Acme__CI')).to.contain('two consecutive');
    expect(developerNameProblem('Acme_')).to.contain('end with an underscore');
    expect(developerNameProblem('Acme CI')).to.contain('only letters');
    expect(developerNameProblem('A'.repeat(81))).to.contain('81 characters');
    expect(toDeveloperName('Acme CI (prod)')).to.equal('Acme_CI_prod');
    const [p] = validateComponent(comp('ExternalClientApplication', 'Bad Name', {}), 66);
    expect(p).to.include({ code: 'invalid-name' });
  });

  it('refuses a malformed contact email, as Salesforce does; placeholders a pipeline fills pass', () => {
    for (const type of ['ExternalClientApplication', 'ConnectedApp']) {
      const [p] = validateComponent(comp(type, 'Acme', { contactEmail: 'nope', label: 'Acme' }), 66).filter((x) => x.field === 'contactEmail');
      expect(p, type).to.include({ code: 'invalid-email', field: 'contactEmail' });
      expect(p.message).to.contain('"nope" is not an email address');
      for (const ok of ['ops@acme.example', 'DLITCandSSalesForceSupport@auspost.com.au', '${SF_ADMIN_EMAIL}', '@SF_ADMIN_EMAIL']) {
        expect(validateComponent(comp(type, 'Acme', { contactEmail: ok, label: 'Acme' }), 66).filter((x) => x.field === 'contactEmail'), ok).to.deep.equal([]);
      }
    }
    for (const bad of ['a@b', 'a b@c.example', '@acme.example', 'a@@acme.example', 'a@acme.example\nb@acme.example']) {
      expect(validateComponent(comp('ExternalClientApplication', 'Acme', { contactEmail: bad }), 66).map((x) => x.code), bad).to.include('invalid-email');
    }
  });

  it('refuses values longer than Salesforce holds, by name and length, without repeating the value', () => {
    const huge = 'x'.repeat(8 * 1024 * 1024);
    const [p] = validateComponent(comp('ExternalClientApplication', 'Acme', { description: huge, label: 'Acme' }), 66);
    expect(p).to.include({ code: 'value-too-long', field: 'description' });
    expect(p.message).to.contain('8388608 characters').and.contain('256');
    expect(JSON.stringify(p).length).to.be.lessThan(2000);
    const limits: Array<[string, string, number]> = [
      ['ExternalClientApplication', 'label', 80],
      ['ExternalClientApplication', 'contactEmail', 80],
      ['ExternalClientApplication', 'contactPhone', 40],
      ['ExternalClientApplication', 'description', 256],
      ['ExternalClientApplication', 'infoUrl', 255],
      ['ExtlClntAppGlobalOauthSettings', 'callbackUrl', 2000],
      ['ConnectedApp', 'label', 80],
      ['ConnectedApp', 'description', 256],
    ];
    for (const [type, field, max] of limits) {
      const long = field === 'contactEmail' ? `${'a'.repeat(max - 12)}@acme.example` : field.endsWith('Url') ? `https://acme.example/${'p'.repeat(max)}` : 'y'.repeat(max + 1);
      const at = field === 'contactEmail' ? `${'a'.repeat(max - 13)}@acme.example` : field.endsWith('Url') ? `https://acme.example/${'p'.repeat(max - 21)}` : 'y'.repeat(max);
      const codes = (v: string): string[] => validateComponent(comp(type, 'Acme', { externalClientApplication: 'Acme', [field]: v }), 66).filter((x) => x.field === field).map((x) => x.code);
      expect(codes(long), `${type}.${field} over ${max}`).to.include('value-too-long');
      expect(codes(at), `${type}.${field} at ${max}`).to.not.include('value-too-long');
    }
    // any other text field: the longest Salesforce text (131,072) bounds it
    expect(validateComponent(comp('ExtlClntAppGlobalOauthSettings', 'A_g', { externalClientApplication: 'A', certificate: huge }), 66).map((x) => x.code)).to.include('value-too-long');
  });

  it('refuses characters XML 1.0 cannot carry, naming where they are', () => {
    const [p] = validateComponent(comp('ExternalClientApplication', 'Acme', { label: 'Acme\u0000CI', description: 'tab\tand\nnewline are fine' }), 66);
    expect(p).to.include({ code: 'invalid-character', field: 'label' });
    expect(p.message).to.contain('U+0000').and.contain('character 5');
    expect(validateComponent(comp('ExternalClientApplication', 'Acme', { label: 'Acme \uFFFE' }), 66).map((x) => x.code)).to.include('invalid-character');
  });

  it('refuses the API 67 scopes at an older target API version', () => {
    const oauth = (scopes: string): Component => comp('ExtlClntAppOauthSettings', 'A_oauth', { externalClientApplication: 'A', commaSeparatedOauthScopes: scopes });
    const [p] = validateComponent(oauth('Api, A2A, SemanticLayer'), 66);
    expect(p).to.include({ code: 'field-too-new', field: 'commaSeparatedOauthScopes' });
    expect(p.message).to.contain('A2A, SemanticLayer exist from API 67.0 on');
    expect(validateComponent(oauth('Api, A2A, SemanticLayer'), 67)).to.deep.equal([]);
    expect(validateComponent(oauth('Basic, Api, Web, RefreshToken, SFApiPlatform'), 66)).to.deep.equal([]);
  });

  it('refuses SAML policies on a packaged app', () => {
    const eca = sampleEca();
    eca.parts.header!.values.distributionState = 'Packaged';
    eca.parts.samlPolicies = comp('ExtlClntAppSamlConfigurablePolicies', 'Acme_saml', {
      externalClientApplication: 'Acme',
      acsUrl: 'https://sp.example/acs',
      entityUrl: 'https://sp.example',
    }) as never;
    expect(validateEca(eca, 66).map((p) => p.code)).to.deep.equal(['invalid-value']);
  });

  it('refuses API versions outside 59 to 67', () => {
    expect(validateEca(sampleEca(), 58).map((p) => p.code)).to.include('unsupported-api-version');
  });

  it('finds the first element out of order, with its line, as Salesforce reports it', () => {
    const xml = readFileSync(join(FIXTURES, 'PatrickDennisSFDC__agentforce-thespis-sfdc-app__Thespis.connectedApp-meta.xml'), 'utf8');
    const p = parseMetadataXml(xml);
    const problem = orderProblem({ type: p.type, fullName: 'Thespis' }, p.elements);
    expect(problem).to.include({ code: 'unknown-field', field: 'isConsumerKeyOptional', line: 7 });
    const swapped = parseMetadataXml(
      '<?xml version="1.0" encoding="UTF-8"?>\n<ExternalClientApplication xmlns="http://soap.sforce.com/2006/04/metadata">\n    <label>L</label>\n    <contactEmail>a@b.c</contactEmail>\n</ExternalClientApplication>\n'
    );
    const order = orderProblem({ type: swapped.type, fullName: 'A' }, swapped.elements);
    expect(order).to.include({ code: 'out-of-order', field: 'contactEmail', line: 4 });
    expect(order?.platformMessage).to.equal(
      'Error parsing file: Element {http://soap.sforce.com/2006/04/metadata}contactEmail invalid at this location in type ExternalClientApplication'
    );
  });
});
