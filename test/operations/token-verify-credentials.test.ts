/**
 * The token-verify operation called by another operation with the credentials it already holds
 * (a secret it just staged, a key it just made): no environment variable, no standard input, no
 * key file; and the given secret is redacted from any refusal like one read from the environment.
 */
import { expect } from 'chai';
import { verifyToken } from '../../src/operations/tokenVerify.js';
import { makeCert } from '../helpers/certs.js';
import { type Harness, oauthEca, startHarness } from '../simulator/harness.js';

describe('operation verifyToken with credentials in hand', function () {
  this.timeout(60_000);
  let h: Harness;
  let keyPem: string;

  before(async () => {
    const cert = await makeCert(365, -1, 'Acme CI');
    keyPem = cert.key;
    h = await startHarness({ orgs: ['dev'] });
    const dev = h.sim.org('dev');
    for (const c of oauthEca('CC_App', { clientCredentials: true, runAs: 'integration@dev.acme.example' })) dev.addComponent(c).lastModifiedDate = '2024-01-01T00:00:00.000Z';
    for (const c of oauthEca('JWT_App', { certificate: cert.cert, permissionSets: 'CI_Deployer' })) dev.addComponent(c).lastModifiedDate = '2024-01-01T00:00:00.000Z';
  });
  after(async () => h?.close());

  it('client credentials with the secret given, not read from ECA_CLIENT_SECRET or stdin', async () => {
    const saved = process.env.ECA_CLIENT_SECRET;
    delete process.env.ECA_CLIENT_SECRET;
    try {
      const secret = h.sim.org('dev').credentials.get('eca:CC_App')?.consumerSecret as string;
      const r = await verifyToken({ org: { name: 'dev' }, name: 'CC_App', flow: 'client-credentials', 'secret-stdin': false, credentials: { clientSecret: secret } });
      expect(r.proof.userinfo).to.equal(true);
      expect(JSON.stringify(r)).to.not.contain(secret);
    } finally {
      if (saved !== undefined) process.env.ECA_CLIENT_SECRET = saved;
    }
  });

  it('a wrong given secret is refused (exit 3) and the secret appears in no part of the error', async () => {
    const wrong = 'given-but-wrong-secret-0123456789ABCDEF';
    let err: { exitCode?: number; message?: string; actions?: string[] } | undefined;
    await verifyToken({ org: { name: 'dev' }, name: 'CC_App', flow: 'client-credentials', 'secret-stdin': false, credentials: { clientSecret: wrong } }).catch((e: unknown) => (err = e as typeof err));
    expect(err?.exitCode).to.equal(3);
    expect(JSON.stringify({ m: err?.message, a: err?.actions })).to.not.contain(wrong);
  });

  it('JWT bearer with the private key given as PEM, no key file', async () => {
    const r = await verifyToken({ org: { name: 'dev' }, name: 'JWT_App', flow: 'jwt-bearer', username: 'ci@dev.acme.example', 'secret-stdin': false, credentials: { privateKeyPem: keyPem } });
    expect(r.proof.userinfo).to.equal(true);
  });
});
