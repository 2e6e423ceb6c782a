import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { MetadataXmlError, parseMetadataXml, readByFastXmlParser, readStrict, serializeMetadataXml } from '../../src/domain/xml.js';
import { FIXTURES } from '../helpers/paths.js';

const ecaFiles = readdirSync(FIXTURES).filter((f) => /\.eca[A-Za-z]*-meta\.xml$/.test(f));
const caFiles = readdirSync(FIXTURES).filter((f) => f.endsWith('.connectedApp-meta.xml') && !f.startsWith('PatrickDennis'));

describe('metadata XML', () => {
  it('finds the real ECA fixtures', () => {
    expect(ecaFiles.length).to.be.greaterThan(20);
  });

  for (const f of [...ecaFiles, ...caFiles]) {
    it(`round-trips ${f} byte for byte`, () => {
      const xml = readFileSync(join(FIXTURES, f), 'utf8');
      const parsed = parseMetadataXml(xml);
      expect(serializeMetadataXml(parsed.type, parsed.values)).to.equal(xml);
    });
  }

  it('normalises booleans, numbers and single repeated elements by the schema', () => {
    const p = parseMetadataXml(readFileSync(join(FIXTURES, 'awesomeandrey__minlopro-dx__InformaticaCloud_oauthPlcy.ecaOauthPlcy-meta.xml'), 'utf8'));
    expect(p.type).to.equal('ExtlClntAppOauthConfigurablePolicies');
    expect(p.namespace).to.equal('http://soap.sforce.com/2006/04/metadata');
    expect(p.values.isClientCredentialsFlowEnabled).to.equal(false);
    expect(p.values.refreshTokenValidityPeriod).to.equal(5);
    expect(p.values.refreshTokenValidityUnit).to.equal('Days');
    const ca = parseMetadataXml(readFileSync(join(FIXTURES, 'awesomeandrey__minlopro-dx__InformaticaCloud.connectedApp-meta.xml'), 'utf8'));
    expect(ca.values.profileName).to.deep.equal(['Informatica Cloud Integration User']);
    expect((ca.values.oauthConfig as Record<string, unknown>).scopes).to.deep.equal(['Full', 'RefreshToken']);
    expect((ca.values.oauthConfig as Record<string, unknown>).isPkceRequired).to.equal(true);
  });

  it('decodes and re-escapes entities and keeps multi-line text', () => {
    const p = parseMetadataXml(readFileSync(join(FIXTURES, 'awesomeandrey__minlopro-dx__SFDC_CCF_Echo.connectedApp-meta.xml'), 'utf8'));
    expect(p.values.permissionSetName).to.deep.equal(['Minlopro - Custom Auth. Provider & NC']);
    const xml = serializeMetadataXml('ExternalClientApplication', { description: `a < b & "c" 'd' > e`, label: 'x' });
    expect(xml).to.contain('<description>a &lt; b &amp; &quot;c&quot; &apos;d&apos; &gt; e</description>');
    const g = parseMetadataXml(readFileSync(join(FIXTURES, 'awesomeandrey__minlopro-dx__MinloproSalesforceMcp_glbloauth.ecaGlblOauth-meta.xml'), 'utf8'));
    expect(String(g.values.callbackUrl).split('\n')).to.have.length(3);
  });

  it('writes elements in WSDL order whatever order the values come in', () => {
    const xml = serializeMetadataXml('ExternalClientApplication', { label: 'L', contactEmail: 'a@b.c', distributionState: 'Local', isProtected: false });
    expect(xml).to.equal(
      '<?xml version="1.0" encoding="UTF-8"?>\n<ExternalClientApplication xmlns="http://soap.sforce.com/2006/04/metadata">\n' +
        '    <contactEmail>a@b.c</contactEmail>\n    <distributionState>Local</distributionState>\n    <isProtected>false</isProtected>\n    <label>L</label>\n</ExternalClientApplication>\n'
    );
  });

  it('writes lists as repeated elements and nested types in their own order', () => {
    const xml = serializeMetadataXml('ExtlClntAppOauthSettings', {
      trustedIpRanges: [
        { startIpAddress: '10.0.0.1', endIpAddress: '10.0.0.9', description: 'office' },
        { startIpAddress: '10.1.0.1', endIpAddress: '10.1.0.9' },
      ],
      externalClientApplication: 'Acme',
    });
    expect(xml).to.contain(
      '    <externalClientApplication>Acme</externalClientApplication>\n    <trustedIpRanges>\n        <description>office</description>\n        <endIpAddress>10.0.0.9</endIpAddress>\n        <startIpAddress>10.0.0.1</startIpAddress>\n    </trustedIpRanges>\n    <trustedIpRanges>\n'
    );
  });

  it('places a field the schema does not know where the alphabetical sequence puts it', () => {
    const xml = serializeMetadataXml('ExtlClntAppOauthSettings', { label: 'x', externalClientApplication: 'A', isBrandNew: true });
    expect(xml.indexOf('<externalClientApplication>')).to.be.lessThan(xml.indexOf('<isBrandNew>'));
    expect(xml.indexOf('<isBrandNew>')).to.be.lessThan(xml.indexOf('<label>'));
  });

  it('names the line and column of malformed XML', () => {
    const bad = '<?xml version="1.0" encoding="UTF-8"?>\n<ExternalClientApplication xmlns="http://soap.sforce.com/2006/04/metadata">\n    <label>x</labl>\n</ExternalClientApplication>\n';
    try {
      parseMetadataXml(bad);
      expect.fail('should throw');
    } catch (e) {
      expect(e).to.be.instanceOf(MetadataXmlError);
      expect((e as MetadataXmlError).line).to.equal(3);
      expect((e as MetadataXmlError).message).to.match(/labl|label/);
    }
  });

  describe('input hygiene: a named error with its line, never a parsed value', () => {
    const head = '<?xml version="1.0" encoding="UTF-8"?>\n';
    const open = '<ExternalClientApplication xmlns="http://soap.sforce.com/2006/04/metadata">\n';
    const close = '</ExternalClientApplication>\n';
    function refusal(xml: string): MetadataXmlError {
      try {
        parseMetadataXml(xml);
      } catch (e) {
        expect(e).to.be.instanceOf(MetadataXmlError);
        return e as MetadataXmlError;
      }
      return expect.fail('should have refused') as never;
    }

    it('refuses any DOCTYPE, with or without entities, at its line', () => {
      for (const doctype of ['<!DOCTYPE x [<!ENTITY a "hello">]>', '<!DOCTYPE ExternalClientApplication>', '<!doctype ExternalClientApplication SYSTEM "file:///etc/passwd">']) {
        const e = refusal(`${head}${doctype}\n${open}    <label>&a;</label>\n${close}`);
        expect(e.code, doctype).to.equal('doctype');
        expect(e.name).to.equal('MetadataDoctypeError');
        expect(e.line).to.equal(2);
        expect(e.message).to.match(/DOCTYPE/);
      }
    });

    it('refuses characters XML 1.0 forbids, raw or as character references, at their line', () => {
      const raw = refusal(`${head}${open}    <label>Acme</label>\n    <description>a\u0001b</description>\n${close}`);
      expect(raw).to.include({ code: 'invalid-character', line: 4, name: 'MetadataInvalidCharacterError' });
      expect(raw.message).to.contain('U+0001');
      const ref = refusal(`${head}${open}    <label>a&#0;b</label>\n${close}`);
      expect(ref).to.include({ code: 'invalid-character', line: 3 });
      expect(refusal(`${head}${open}    <label>a&#x1B;b</label>\n${close}`).code).to.equal('invalid-character');
      // tabs, line breaks, entities and references to allowed characters stay fine
      expect(parseMetadataXml(`${head}${open}    <label>a\tb&amp;</label>\n${close}`).values.label).to.equal('a\tb&');
      expect(() => parseMetadataXml(`${head}${open}    <label>a&#9;b&#x41;</label>\n${close}`)).to.not.throw();
    });

    it('refuses to write a value XML cannot carry', () => {
      expect(() => serializeMetadataXml('ExternalClientApplication', { label: 'a\u0000b' })).to.throw(MetadataXmlError, /U\+0000/);
    });
  });

  it('records the line of every element, nested ones too', () => {
    const p = parseMetadataXml(readFileSync(join(FIXTURES, 'awesomeandrey__minlopro-dx__InformaticaCloud.connectedApp-meta.xml'), 'utf8'));
    expect(p.elements.map((e) => [e.name, e.line])).to.deep.equal([
      ['contactEmail', 3],
      ['description', 4],
      ['label', 5],
      ['oauthConfig', 6],
      ['oauthPolicy', 23],
      ['profileName', 28],
    ]);
    expect(p.elements[3].children[0]).to.include({ name: 'callbackUrl', line: 7, column: 9 });
  });

  it('gives the same lines and columns for CRLF files, after a BOM, and past comments and CDATA', () => {
    const lf = readFileSync(join(FIXTURES, 'awesomeandrey__minlopro-dx__InformaticaCloud.connectedApp-meta.xml'), 'utf8');
    expect(parseMetadataXml(lf.replace(/\n/g, '\r\n')).elements).to.deep.equal(parseMetadataXml(lf).elements);
    expect(parseMetadataXml(`\ufeff${lf}`).elements).to.deep.equal(parseMetadataXml(lf).elements);
    const p = parseMetadataXml('<ConnectedApp>\n  <!-- <label>not this</label> -->\n  <description><![CDATA[<b>x</b>]]></description>\n    <label>L</label>\n</ConnectedApp>\n');
    expect(p.elements.map((e) => [e.name, e.line, e.column])).to.deep.equal([
      ['description', 3, 3],
      ['label', 4, 5],
    ]);
    expect(p.values).to.deep.equal({ description: '<b>x</b>', label: 'L' });
  });

  it('reads values alone when no positions are asked for', () => {
    const xml = readFileSync(join(FIXTURES, 'awesomeandrey__minlopro-dx__InformaticaCloud.connectedApp-meta.xml'), 'utf8');
    const p = parseMetadataXml(xml, { positions: false });
    expect(p).to.deep.equal({ ...parseMetadataXml(xml), elements: [] });
  });

  describe('the one strict pass reads what fast-xml-parser read', () => {
    const head = '<?xml version="1.0" encoding="UTF-8"?>\n<ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata">\n';
    const real = [...ecaFiles, ...caFiles, ...readdirSync(FIXTURES).filter((f) => f.startsWith('PatrickDennis') && f.endsWith('.xml'))].map((f) => readFileSync(join(FIXTURES, f), 'utf8'));

    it('gives every real file the same values and positions', () => {
      for (const xml of real) {
        for (const locate of [true, false]) expect(readStrict(xml, locate)).to.deep.equal(readByFastXmlParser(xml, locate));
      }
    });

    // where the two differ, XML 1.0 decides: fast-xml-parser leaves character references as
    // written (htmlEntities off), keeps carriage returns and does not normalise attribute values
    const asXmlReadsIt = (v: unknown): unknown =>
      typeof v === 'string'
        ? v.replace(/&#(x[0-9a-fA-F]+|[0-9]+);/g, (_m, g: string) => String.fromCodePoint(g.startsWith('x') ? Number.parseInt(g.slice(1), 16) : Number.parseInt(g, 10))).replace(/\r\n?/g, '\n')
        : Array.isArray(v)
          ? v.map(asXmlReadsIt)
          : v !== null && typeof v === 'object'
            ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, asXmlReadsIt(x)]))
            : v;

    it('agrees on 3,000 damaged copies of the real files: same values, and never accepts what fast-xml-parser refused', () => {
      let seed = 17;
      const next = (n: number): number => {
        seed = (seed * 1_103_515_245 + 12_345) & 0x7f_ff_ff_ff;
        return seed % n;
      };
      const bits = ['<', '>', '&', '/', '"', '&amp;', '&lt;', '&#65;', '&#xE9;', '&nbsp;', '<![CDATA[x<y]]>', '<!-- c -->', '<?pi x?>', ']]>', '\r\n', '\r', '\n', ' ', '<x>', '</x>', '<x/>', '<a b="1">', 'é', '<label>', '</label>', '<scopes>Api</scopes>', ':'];
      const tally = { same: 0, bothRefused: 0, strictRefused: 0 };
      for (let n = 0; n < 3000; n++) {
        let text = real[next(real.length)];
        for (let k = 1 + next(3); k > 0; k--) {
          const at = next(text.length + 1);
          // half the damage lands beside a tag, where values begin and end
          const i = next(2) ? at : Math.max(0, text.indexOf(next(2) ? '<' : '>', at) + 1);
          const bit = bits[next(bits.length)];
          text = next(2) ? text.slice(0, i) + bit + text.slice(i) : text.slice(0, i) + text.slice(i + 1 + next(5));
        }
        const strict = readStrict(text, true);
        let before: ReturnType<typeof readByFastXmlParser> | undefined;
        try {
          before = readByFastXmlParser(text, true);
        } catch {
          before = undefined;
        }
        if (strict && !before) expect.fail(`the strict pass accepted what fast-xml-parser refused:\n${text}`);
        if (strict && before) {
          expect(asXmlReadsIt({ ...strict, namespace: strict.namespace?.replace(/\s/g, ' ') }), text).to.deep.equal(asXmlReadsIt({ ...before, namespace: before.namespace?.replace(/\s/g, ' ') }));
          tally.same++;
        } else if (before) tally.strictRefused++;
        else tally.bothRefused++;
      }
      // the damage must exercise both sides, or this test proves nothing
      expect(tally.same).to.be.greaterThan(300);
      expect(tally.bothRefused).to.be.greaterThan(300);
    });

    it('decodes character references and reads line ends as XML 1.0 says', () => {
      const p = parseMetadataXml(`${head}    <description>Caf&#233; &#x2014; one\r\ntwo\rthree</description>\n    <label>L</label>\n</ConnectedApp>\n`);
      expect(p.values.description).to.equal('Caf\u00e9 \u2014 one\ntwo\nthree');
    });

    it('leaves to fast-xml-parser what the strict pass refuses or reads otherwise: its message, and its reading', () => {
      // an entity no DTD declares: XML refuses it, fast-xml-parser keeps it as written
      expect(parseMetadataXml(`${head}    <label>a&nbsp;b</label>\n</ConnectedApp>\n`).values.label).to.equal('a&nbsp;b');
      // a processing instruction inside the document: fast-xml-parser reads it as an element
      const pi = `${head}    <label>L</label>\n    <?keep this?>\n</ConnectedApp>\n`;
      expect(readStrict(pi, true)).to.equal(undefined);
      expect(parseMetadataXml(pi)).to.deep.equal(readByFastXmlParser(pi, true));
      const truncated = `${head}    <label>L</label>\n    <oauthConfig>\n`;
      expect(() => parseMetadataXml(truncated)).to.throw(MetadataXmlError, /^Invalid '\[\s*"ConnectedApp",\s*"oauthConfig"\s*\]' found/);
    });
  });
});
