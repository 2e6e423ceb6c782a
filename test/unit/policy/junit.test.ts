import { expect } from 'chai';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { evaluate } from '../../../src/domain/policy/evaluate.js';
import { escapeXml, toJunit } from '../../../src/domain/policy/junit.js';
import { NOW, secureConnectedApp, secureEca } from './helpers.js';

type Node = Record<string, unknown>;

function parse(xml: string): Node {
  expect(XMLValidator.validate(xml)).to.equal(true);
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase', 'failure', 'property'].includes(name) });
  return parser.parse(xml) as Node;
}

function suites(xml: string): Node[] {
  return (parse(xml).testsuites as Node).testsuite as Node[];
}

describe('policy/junit', () => {
  const apps = [
    secureEca({ oauthPolicies: { ipRelaxationPolicyType: 'Bypass' }, globalOauthSettings: { callbackUrl: 'http://a.example/cb\nhttp://b.example/cb' } }, {
      org: { name: 'prod', settings: { enableClientSecretInRestApiAccess: true } },
    }),
    secureConnectedApp(),
  ];
  const evaluation = evaluate(apps, { waivers: [{ rule: 'connected-app-should-migrate', app: 'Acme_Legacy', reason: 'moving in Q3 <ops>', expires: '2026-09-30' }] }, NOW);
  const xml = toJunit(evaluation);

  it('writes one suite per app and org, one test case per rule that reads it', () => {
    const all = suites(xml);
    expect(all.map((s) => s.name)).to.deep.equal(['External Client App Acme_CI', 'Connected App Acme_Legacy', 'Org prod']);
    const eca = all[0];
    expect((eca.testcase as Node[]).map((c) => c.name)).to.include('ip-restrictions-relaxed: IP restrictions are relaxed');
    expect((eca.testcase as Node[]).map((c) => String(c.name))).not.to.include.members(['connected-app-should-migrate: Connected App should move to an External Client App']);
    expect(eca).to.deep.include({ tests: String(evaluation.apps[0].rules.length), failures: '2', errors: '0', skipped: '0' });
  });

  it('writes a failure per finding and skips waived rules', () => {
    const [eca, ca, org] = suites(xml);
    const http = (eca.testcase as Node[]).find((c) => String(c.name).startsWith('callback-url-not-https'));
    const failures = http?.failure as Node[];
    expect(failures.map((f) => f.message)).to.deep.equal([
      'Callback URL http://a.example/cb is plain HTTP and not a loopback address.',
      'Callback URL http://b.example/cb is plain HTTP and not a loopback address.',
    ]);
    expect(failures[0].type).to.equal('high');
    expect(String(failures[0]['#text'])).to.contain('Field: globalOauthSettings.callbackUrl').and.contain('Remediation:');
    const migrate = (ca.testcase as Node[]).find((c) => String(c.name).startsWith('connected-app-should-migrate'));
    expect(migrate?.skipped).to.deep.equal({ message: 'waived until 2026-09-30: moving in Q3 <ops>' });
    expect(ca).to.deep.include({ failures: '0', skipped: '1' });
    expect(org).to.deep.include({ tests: '2', failures: '1' });
  });

  it('adds up the totals', () => {
    const root = parse(xml).testsuites as Node;
    const all = suites(xml);
    for (const key of ['tests', 'failures', 'skipped'] as const) {
      expect(Number(root[key]), key).to.equal(all.reduce((n, s) => n + Number(s[key]), 0));
    }
    expect(Number(root.failures)).to.equal(3);
  });

  it('reports expired waivers under the policy file', () => {
    const expired = evaluate([secureEca()], { waivers: [{ rule: 'scope-full', app: 'Acme_CI', reason: 'r', expires: '2020-01-01' }] }, NOW, { configFile: '.eca-policy.json' });
    const all = suites(toJunit(expired, { timestamp: NOW }));
    expect(all.map((s) => s.name)).to.deep.equal(['External Client App Acme_CI', 'Policy .eca-policy.json']);
    expect(all[1]).to.deep.include({ tests: '1', failures: '1', timestamp: '2026-07-01T12:00:00' });
  });

  it('is valid XML whatever the text holds', () => {
    expect(escapeXml('a<b>&"c\'\u0001')).to.equal('a&lt;b&gt;&amp;&quot;c&apos;\uFFFD');
    expect(toJunit(evaluate([], {}, NOW))).to.equal(
      '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="sf eca policy check" tests="0" failures="0" errors="0" skipped="0" time="0">\n</testsuites>\n'
    );
  });
});
