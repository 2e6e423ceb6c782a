import { expect } from 'chai';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { evaluate } from '../../../src/domain/policy/evaluate.js';
import { escapeXml, toJunit } from '../../../src/domain/policy/junit.js';
import { NOW, secureConnectedApp, secureEca } from './helpers.js';

type Node = Record<string, unknown>;

function parse(xml: string): Node {
  expect(XMLValidator.validate(xml)).to.equal(true);
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase', 'failure', 'error', 'property'].includes(name) });
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

  it('writes an <error> per input it could not read, in a suite per file or org, counted in errors', () => {
    const problems = [
      { code: 'doctype' as const, file: 'force-app/a.connectedApp-meta.xml', line: 2, message: 'the file has a DOCTYPE <x>' },
      { code: 'unknown-element' as const, file: 'force-app/a.connectedApp-meta.xml', line: 9, message: 'odd element' },
      { code: 'org-unreadable' as const, org: 'dead', error: 'OrgUnreachableError', message: 'The org dead did not answer.', actions: ['run again'] },
    ];
    const out = toJunit(evaluation, { problems });
    const root = parse(out).testsuites as Node;
    expect(root).to.deep.include({ errors: '3' });
    const all = suites(out);
    expect(all.slice(0, 2).map((s) => [s.name, s.tests, s.errors, s.failures])).to.deep.equal([
      ['File force-app/a.connectedApp-meta.xml', '2', '2', '0'],
      ['Org dead', '1', '1', '0'],
    ]);
    const errors = (all[0].testcase as Node[]).flatMap((c) => c.error as Node[]);
    expect(errors.map((e) => [e.type, e.message])).to.deep.equal([
      ['doctype', 'the file has a DOCTYPE <x>'],
      ['unknown-element', 'odd element'],
    ]);
    const dead = ((all[1].testcase as Node[])[0].error as Node[])[0];
    expect(String(dead['#text'])).to.contain('org dead: The org dead did not answer.').and.contain('Error: OrgUnreachableError').and.contain('Action: run again');
    // the apps' suites follow, unchanged
    expect(all.slice(2).map((s) => s.name)).to.deep.equal(suites(xml).map((s) => s.name));
    expect(Number(root.tests)).to.equal(Number((parse(xml).testsuites as Node).tests) + 3);
  });
});
