import { expect } from 'chai';
import { checkConnectedAppSource } from '../../../src/domain/convert/source.js';
import { parseMetadataXml } from '../../../src/domain/xml.js';
import { CONNECTED_APP_FILES, fullNameOf, parseFixture, THESPIS } from './helpers.js';

describe('checking a Connected App file before converting it', () => {
  it('rejects the hand-written Thespis app with each problem on its line', () => {
    const problems = checkConnectedAppSource(parseFixture(THESPIS), { fullName: 'Thespis' });
    expect(problems.map((p) => [p.line, p.code, p.field])).to.deep.equal([
      [7, 'unknown-field', 'oauthConfig.isConsumerKeyOptional'],
      [13, 'invalid-enum', 'oauthConfig.scopes'],
      [16, 'invalid-enum', 'oauthConfig.scopes'],
      [17, 'invalid-enum', 'oauthConfig.scopes'],
      [23, 'out-of-order', 'contactEmail'],
      [24, 'out-of-order', 'description'],
    ]);
    const [unknown, id, chatbot, sfap, contactEmail] = problems;
    expect(unknown.message).to.contain('<isConsumerKeyOptional>');
    expect(unknown.platformMessage).to.equal(
      'Error parsing file: Element {http://soap.sforce.com/2006/04/metadata}isConsumerKeyOptional invalid at this location in type ConnectedAppOauthConfig'
    );
    expect(id.message).to.contain('"ID"');
    expect(chatbot.message).to.contain('"ChatbotApi"');
    expect(sfap.message).to.contain('"SfapApi"');
    expect(id.platformMessage).to.equal("Error parsing file: 'ID' is not a valid value for the enum 'ConnectedAppOauthAccessScope'");
    expect(contactEmail.message).to.contain('<contactEmail> (line 23)');
    expect(contactEmail.component).to.equal('ConnectedApp:Thespis');
    for (const p of problems) expect(p.column).to.be.a('number');
  });

  for (const file of CONNECTED_APP_FILES.filter((f) => f !== THESPIS)) {
    it(`accepts ${file}`, () => {
      expect(checkConnectedAppSource(parseFixture(file), { fullName: fullNameOf(file) })).to.deep.equal([]);
    });
  }

  it('places a missing required element on its parent', () => {
    const xml = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata">',
      '    <contactEmail>ops@acme.example</contactEmail>',
      '    <label>Acme</label>',
      '    <oauthConfig>',
      '        <isAdminApproved>maybe</isAdminApproved>',
      '        <scopes>Api</scopes>',
      '    </oauthConfig>',
      '</ConnectedApp>',
      '',
    ].join('\n');
    const problems = checkConnectedAppSource(parseMetadataXml(xml), { fullName: 'Acme' });
    expect(problems.map((p) => [p.line, p.code, p.field])).to.deep.equal([
      [5, 'missing-required', 'oauthConfig.callbackUrl'],
      [6, 'invalid-value', 'oauthConfig.isAdminApproved'],
    ]);
  });

  it('says when the file is not a Connected App at all', () => {
    const parsed = parseFixture('awesomeandrey__minlopro-dx__InformaticaCloud.eca-meta.xml');
    const [p] = checkConnectedAppSource(parsed, { fullName: 'InformaticaCloud' });
    expect(p).to.include({ code: 'unknown-type' });
    expect(p.message).to.contain('<ExternalClientApplication>, not <ConnectedApp>');
  });
});
