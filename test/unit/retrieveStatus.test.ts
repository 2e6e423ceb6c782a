import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { readRetrieveStatus, RetrieveStatusReader, SoapFaultError, soapFaultOf } from '../../src/org/retrieveStatus.js';

const envelope = (result: string, prefix = ''): string =>
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://soap.sforce.com/2006/04/metadata" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
  `<soapenv:Body><${prefix}checkRetrieveStatusResponse><${prefix}result>${result}</${prefix}result></${prefix}checkRetrieveStatusResponse></soapenv:Body></soapenv:Envelope>`;

const props = (fileName: string, fullName: string, extra = ''): string =>
  `<fileProperties><createdById>005000000000001AAA</createdById><fileName>${fileName}</fileName><fullName>${fullName}</fullName><id>0xI000000000001AAA</id>${extra}<type>ExternalClientApplication</type></fileProperties>`;

describe('reading a checkRetrieveStatus answer', () => {
  it('reads the result, its records and the zip, entities decoded, nil as null', () => {
    const s = readRetrieveStatus(
      envelope(
        '<done>true</done>' +
          props('unpackaged/externalClientApps/A_&amp;_B.eca', 'A_&amp;_B', '<manageableState>released</manageableState><namespacePrefix>acme</namespacePrefix>') +
          props('unpackaged/externalClientApps/C.eca', 'C', '<manageableState xsi:nil="true"/>') +
          '<id>09S000000000001AAA</id>' +
          '<messages><fileName>unpackaged/package.xml</fileName><problem>Entity of type &apos;ConnectedApp&apos; named &lt;Nope&gt; cannot be found &#8212; &#x2713;</problem></messages>' +
          '<status>Succeeded</status><success>true</success><zipFile>UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==</zipFile>'
      )
    );
    expect(s).to.deep.include({ id: '09S000000000001AAA', done: true, status: 'Succeeded', success: true });
    expect(s.zip?.toString('base64')).to.equal('UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==');
    expect(s.fileProperties).to.have.length(2);
    expect(s.fileProperties[0]).to.include({ fileName: 'unpackaged/externalClientApps/A_&_B.eca', fullName: 'A_&_B', id: '0xI000000000001AAA', namespacePrefix: 'acme', manageableState: 'released' });
    expect(s.fileProperties[1]).to.include({ fullName: 'C', manageableState: null });
    expect(s.fileProperties[1]).to.not.have.property('namespacePrefix');
    expect(s.messages).to.deep.equal([{ fileName: 'unpackaged/package.xml', problem: "Entity of type 'ConnectedApp' named <Nope> cannot be found \u2014 \u2713" }]);
  });

  it('reads a result that is not done yet, without records or zip, and prefixed elements', () => {
    const s = readRetrieveStatus(envelope('<ns:done>false</ns:done><ns:id>09S1</ns:id><ns:status>InProgress</ns:status><ns:success>false</ns:success>'.replace(/ns:/g, 'm:'), 'm:'));
    expect(s).to.deep.equal({ id: '09S1', done: false, status: 'InProgress', success: false, fileProperties: [], messages: [] });
  });

  it('the id of a record never stands for the id of the result', () => {
    const s = readRetrieveStatus(envelope(`<done>true</done>${props('unpackaged/externalClientApps/A.eca', 'A')}<id>09S2</id><status>Failed</status><success>false</success><errorMessage>x &amp; y</errorMessage>`));
    expect(s).to.deep.include({ id: '09S2', status: 'Failed', errorMessage: 'x & y' });
  });

  it('turns a fault into a SoapFaultError, as jsforce names it', () => {
    const fault =
      '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="http://soap.sforce.com/2006/04/metadata"><soapenv:Body><soapenv:Fault><faultcode>sf:INVALID_SESSION_ID</faultcode><faultstring>INVALID_SESSION_ID: Invalid Session ID found in SessionHeader</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>';
    expect(() => readRetrieveStatus(fault)).to.throw(SoapFaultError, 'INVALID_SESSION_ID: Invalid Session ID found in SessionHeader');
    expect(soapFaultOf(fault)).to.include({ name: 'sf:INVALID_SESSION_ID', errorCode: 'sf:INVALID_SESSION_ID' });
    expect(soapFaultOf(envelope('<done>true</done><id>1</id><status>Succeeded</status>'))).to.equal(undefined);
  });

  it('refuses an answer it cannot read rather than reading part of it', () => {
    expect(() => readRetrieveStatus('<html><body>Service Unavailable</body></html>')).to.throw(/holds no result/);
    expect(() => readRetrieveStatus(envelope('<done>true</done><status>Succeeded</status>'))).to.throw(/lacks id, done or status/);
    expect(() => readRetrieveStatus(envelope('<done>true</done><id>1</id><status>Succeeded</status><zipFile>UEsF').replace(/<\/result>.*/, ''))).to.throw(/holds no result|unterminated/);
  });

  describe('given in pieces, as it arrives', () => {
    const zip = randomBytes(50_000);
    // what an org sends: prefixed elements, records, a message with entities and multi-byte text, then the zip
    const answer = envelope(
      '<m:done>true</m:done>' +
        props('unpackaged/externalClientApps/Caf\u00e9_\u2713.eca', 'Caf\u00e9_\u2713', '<namespacePrefix xsi:nil="true"/>') +
        '<m:id>09S3</m:id><messages><problem>a &lt;b&gt; \u2014 c</problem></messages><m:status>Succeeded</m:status><m:success>true</m:success>' +
        `<m:zipFile>${zip.toString('base64')}</m:zipFile>`,
      'm:'
    );
    const inPieces = (text: string, size: number, asBytes: boolean): ReturnType<RetrieveStatusReader['end']> => {
      const reader = new RetrieveStatusReader();
      const data = asBytes ? Buffer.from(text, 'utf8') : text;
      for (let i = 0; i < data.length; i += size) reader.write(data.slice(i, i + size) as Buffer | string);
      return reader.end();
    };

    for (const size of [1, 2, 3, 5, 7, 64, 1000, 65_536]) {
      it(`reads the same result and zip from pieces of ${size} bytes as from the whole`, () => {
        const whole = readRetrieveStatus(answer);
        const read = inPieces(answer, size, true);
        expect(read.zip?.equals(zip)).to.equal(true);
        expect({ ...read, zip: undefined }).to.deep.equal({ ...whole, zip: undefined });
        expect(read.fileProperties[0]).to.include({ fileName: 'unpackaged/externalClientApps/Caf\u00e9_\u2713.eca', namespacePrefix: null });
        expect(read.messages[0]).to.deep.equal({ problem: 'a <b> \u2014 c' });
      });
    }

    it('decodes base64 broken over lines, as an encoder may wrap it', () => {
      const wrapped = zip.toString('base64').replace(/.{76}/g, '$&\r\n');
      const read = inPieces(answer.replace(zip.toString('base64'), wrapped), 333, false);
      expect(read.zip?.equals(zip)).to.equal(true);
    });

    it('refuses an answer cut inside the zip, or with two zips, whatever the pieces', () => {
      const cut = answer.slice(0, answer.indexOf('</m:zipFile>') - 10);
      for (const size of [1, 7, 4096]) expect(() => inPieces(cut, size, true)).to.throw(/unterminated zipFile/);
      const two = answer.replace('<m:id>', '<m:zipFile>UEsF</m:zipFile><m:id>');
      expect(() => inPieces(two, 64, true)).to.throw(/more than one zipFile/);
    });

    it('reads a fault given in pieces as a SoapFaultError', () => {
      const fault =
        '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault><faultcode>sf:INVALID_SESSION_ID</faultcode><faultstring>INVALID_SESSION_ID: Invalid Session ID found in SessionHeader</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>';
      expect(() => inPieces(fault, 3, true)).to.throw(SoapFaultError, 'INVALID_SESSION_ID');
    });
  });
});
