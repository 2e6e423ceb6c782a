/**
 * The simulator is a witness, not a copy of the plugin: it imports nothing from src/, and it
 * judges metadata files with its own XSDs (generated from outside sources) through libxml2.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'chai';
import { judgeFile } from '../../simulator/metadata/xsd.js';
import { schemaFor } from '../../simulator/metadata/schema.js';
import { generateXsds } from '../../simulator/xsd/generate.js';
import { ROOT } from '../helpers/paths.js';

const SIM = join(ROOT, 'simulator');
const NS = 'http://soap.sforce.com/2006/04/metadata';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

const eca = (body: string, type = 'ExternalClientApplication'): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<${type} xmlns="${NS}">\n${body}</${type}>\n`;

describe('simulator: a witness, not a copy', () => {
  it('imports nothing from src/ (grep -rE "from \'(\\.\\./)+src/" simulator/ finds nothing)', () => {
    const offenders = files(SIM)
      .filter((f) => /\.(ts|mts|js|mjs)$/.test(f))
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .map((line, i) => ({ line, at: `${relative(ROOT, f)}:${i + 1}` }))
          .filter(({ line }) => /from '(\.\.\/)+src\//.test(line) || /import\(['"](\.\.\/)+src\//.test(line))
          .map(({ at, line }) => `${at}: ${line.trim()}`)
      );
    expect(offenders).to.deep.equal([]);
  });

  it('has XSDs that match what the generator makes from the WSDL subset and @salesforce/types (run npm run simulator:xsd)', () => {
    for (const [name, text] of generateXsds()) {
      expect(readFileSync(join(SIM, 'xsd', name), 'utf8'), `${name} is stale`).to.equal(text);
    }
  });

  it('knows the API 67 additions only from 67.0 on', () => {
    const global = (v: number): string[] => schemaFor(v).types.get('ExtlClntAppGlobalOauthSettings')?.elements.map((e) => e.name) ?? [];
    expect(global(66)).not.to.include('isDPopEnabled');
    expect(global(67)).to.include.members(['isDPopEnabled', 'isEnforceRefreshTokenTTL', 'isMtlsEnabled']);
    expect(schemaFor(66).types.has('ExtlClntAppOauthSecuritySettings')).to.equal(false);
    expect(schemaFor(67).types.get('ExtlClntAppOauthSecuritySettings')?.metadataType).to.equal(true);
    expect(schemaFor(66).enums.get('PolicyAction')).not.to.include('StepUpMFA');
    expect(schemaFor(67).enums.get('ConnectedAppOauthAccessScope')).to.include.members(['DataCloudUserClaims', 'A2A', 'CmdbDiscovery', 'SemanticLayer']);
    // elements keep the WSDL sequence: isDPopEnabled (D) sorts before isDeviceFlowEnabled (e)
    expect(global(67).indexOf('isDPopEnabled')).to.equal(global(67).indexOf('isDeviceFlowEnabled') - 1);
  });

  describe('the XSD engine', () => {
    it('rejects an out-of-order element in Salesforce\'s words, with line and column', () => {
      const v = judgeFile(eca('    <label>Acme</label>\n    <contactEmail>ops@acme.example</contactEmail>\n'), 66);
      expect(v).to.deep.include({ ok: false, type: 'ExternalClientApplication' });
      expect(v.ok ? undefined : v.finding).to.deep.include({
        problem: `Error parsing file: Element {${NS}}contactEmail invalid at this location in type ExternalClientApplication`,
        line: 4,
        column: 5,
        element: 'contactEmail',
      });
    });

    it('names the enum a value is not in', () => {
      const v = judgeFile(eca('    <contactEmail>ops@acme.example</contactEmail>\n    <distributionState>Everywhere</distributionState>\n'), 66);
      expect(v.ok ? undefined : v.finding).to.deep.include({ problem: "Error parsing file: 'Everywhere' is not a valid value for the enum 'ExtlClntAppDistState'", line: 4, element: 'distributionState' });
    });

    it('refuses a field the API version does not know yet, and accepts it from the version that does', () => {
      const file = eca('    <externalClientApplication>Acme</externalClientApplication>\n    <isDPopEnabled>true</isDPopEnabled>\n    <label>x</label>\n', 'ExtlClntAppGlobalOauthSettings');
      const at66 = judgeFile(file, 66);
      expect(at66.ok ? undefined : at66.finding).to.deep.include({
        problem: `Error parsing file: Element {${NS}}isDPopEnabled invalid at this location in type ExtlClntAppGlobalOauthSettings`,
        line: 4,
      });
      expect(judgeFile(file, 67)).to.deep.include({ ok: true, values: { externalClientApplication: 'Acme', isDPopEnabled: true, label: 'x' } });
    });

    it('refuses a nested element out of place with the nested type named', () => {
      const file = eca(
        '    <externalClientApplication>Acme</externalClientApplication>\n    <idTokenConfig>\n        <idTokenValidityInMinutes>5</idTokenValidityInMinutes>\n        <idTokenAudience>x</idTokenAudience>\n    </idTokenConfig>\n',
        'ExtlClntAppGlobalOauthSettings'
      );
      const v = judgeFile(file, 66);
      expect(v.ok ? undefined : v.finding).to.deep.include({ problem: `Error parsing file: Element {${NS}}idTokenAudience invalid at this location in type ExternalAppIdTokenConfig`, line: 6, column: 9 });
    });

    it('refuses a type the API version does not have, a boolean that is not one, a missing required element, bad XML and a DOCTYPE', () => {
      const plcy = eca('    <externalClientApplication>Acme</externalClientApplication>\n    <isEnabled>true</isEnabled>\n', 'ExtlClntAppConfigurablePolicies');
      const at59 = judgeFile(plcy, 59);
      expect(at59.ok ? undefined : at59.finding).to.deep.include({ cause: 'unknown-type', element: 'ExtlClntAppConfigurablePolicies' });
      expect(judgeFile(plcy, 60).ok).to.equal(true);
      const yes = judgeFile(plcy.replace('<isEnabled>true', '<isEnabled>yes'), 60);
      expect(yes.ok ? undefined : yes.finding).to.deep.include({ cause: 'value', element: 'isEnabled', line: 4 });
      const missing = judgeFile(eca('    <externalClientApplication>Acme</externalClientApplication>\n', 'ExtlClntAppConfigurablePolicies'), 60);
      expect(missing.ok ? undefined : missing.finding).to.deep.include({ cause: 'missing', element: 'isEnabled' });
      const broken = judgeFile(eca('    <contactEmail>ops@acme.example\n'), 66);
      expect(broken.ok ? undefined : broken.finding).to.deep.include({ cause: 'parse' });
      expect((broken.ok ? undefined : broken.finding)?.problem).to.match(/^Error parsing file: /);
      const doctype = judgeFile(`<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<ExternalClientApplication xmlns="${NS}"><label>&e;</label></ExternalClientApplication>`, 66);
      expect(doctype.ok ? undefined : doctype.finding).to.deep.include({ cause: 'doctype' });
    });

    it('reads a valid file into typed values: booleans, numbers, repeated and nested elements', () => {
      const v = judgeFile(
        eca(
          '    <commaSeparatedOauthScopes>Api, RefreshToken</commaSeparatedOauthScopes>\n    <externalClientApplication>Acme</externalClientApplication>\n    <isFirstPartyAppEnabled>false</isFirstPartyAppEnabled>\n    <label>Acme &amp; Co</label>\n    <trustedIpRanges>\n        <endIpAddress>10.0.0.9</endIpAddress>\n        <startIpAddress>10.0.0.1</startIpAddress>\n    </trustedIpRanges>\n    <trustedIpRanges>\n        <endIpAddress>10.0.1.9</endIpAddress>\n        <startIpAddress>10.0.1.1</startIpAddress>\n    </trustedIpRanges>\n',
          'ExtlClntAppOauthSettings'
        ),
        66
      );
      expect(v).to.deep.include({
        ok: true,
        values: {
          commaSeparatedOauthScopes: 'Api, RefreshToken',
          externalClientApplication: 'Acme',
          isFirstPartyAppEnabled: false,
          label: 'Acme & Co',
          trustedIpRanges: [
            { endIpAddress: '10.0.0.9', startIpAddress: '10.0.0.1' },
            { endIpAddress: '10.0.1.9', startIpAddress: '10.0.1.1' },
          ],
        },
      });
    });
  });
});
