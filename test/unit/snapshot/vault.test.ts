import { inspect } from 'node:util';
import { expect } from 'chai';
import { checkPassphrase, MIN_PASSPHRASE_CHARS, PASSPHRASE_ENV } from '../../../src/domain/snapshot/passphrase.js';
import { Secret } from '../../../src/domain/snapshot/secret.js';
import {
  DEFAULT_SCRYPT,
  InvalidVaultEntriesError,
  openVault,
  sealVault,
  type VaultEntry,
  VaultError,
  VaultFormatError,
  VaultMismatchError,
  vaultParameters,
  VaultTamperedError,
  WrongPassphraseError,
} from '../../../src/domain/snapshot/vault.js';

const SECRET_A = 'F00DFACE0123456789ABCDEF-secret-A';
const SECRET_B = 'C0FFEE9876543210-secret-B';
const PASSPHRASE = 'correct horse battery staple';
const SNAPSHOT = 'a'.repeat(64);
const OTHER_SNAPSHOT = 'b'.repeat(64);
/** Fast parameters for tests; the default is checked on its own. */
const FAST = { scrypt: { N: 2 ** 10, r: 8, p: 1 } };

function entries(): VaultEntry[] {
  return [
    { app: 'Acme_CI', consumerKey: '3MVG9.acme.key', consumerSecret: new Secret(SECRET_A) },
    { app: 'Beta', consumerKey: '3MVG9.beta.key', consumerSecret: new Secret(SECRET_B) },
  ];
}

async function sealed(): Promise<Buffer> {
  return sealVault(entries(), new Secret(PASSPHRASE), SNAPSHOT, FAST);
}

/** Every way a value may reach a person or a log. */
function renderings(value: unknown): string[] {
  const out = [String(value), `${value as string}`, JSON.stringify(value) ?? '', inspect(value, { depth: 10, showHidden: true })];
  if (value instanceof Error) out.push(value.message, value.stack ?? '', JSON.stringify({ ...value }));
  return out;
}

function expectNoSecret(value: unknown): void {
  for (const text of renderings(value)) {
    for (const secret of [SECRET_A, SECRET_B, PASSPHRASE]) expect(text).not.to.contain(secret);
  }
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

function edit(bytes: Buffer, change: (f: Record<string, unknown>) => void): Buffer {
  const f = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  change(f);
  return Buffer.from(JSON.stringify(f));
}

describe('snapshot/secret: a value that does not show itself', () => {
  it('renders as [REDACTED] everywhere but reveal()', () => {
    const s = new Secret(SECRET_A);
    expectNoSecret(s);
    expectNoSecret({ nested: { s }, list: [s] });
    expectNoSecret(structuredClone({ s }));
    expectNoSecret({ ...s });
    expect(s.reveal()).to.equal(SECRET_A);
    expect(s.equals(new Secret(SECRET_A))).to.equal(true);
    expect(s.equals(new Secret(SECRET_B))).to.equal(false);
  });
});

describe('snapshot/vault: credentials sealed with AES-256-GCM under a scrypt key', () => {
  it('opens what it sealed, with the secrets as Secrets', async () => {
    const opened = await openVault(await sealed(), new Secret(PASSPHRASE), SNAPSHOT);
    expect(opened.map((e) => [e.app, e.consumerKey, e.consumerSecret.reveal()])).to.deep.equal([
      ['Acme_CI', '3MVG9.acme.key', SECRET_A],
      ['Beta', '3MVG9.beta.key', SECRET_B],
    ]);
    expectNoSecret(opened);
  });

  it('writes no secret in clear, and records its parameters', async () => {
    const bytes = await sealed();
    const text = bytes.toString('utf8');
    for (const s of [SECRET_A, SECRET_B, PASSPHRASE, Buffer.from(SECRET_A).toString('base64')]) expect(text).not.to.contain(s);
    const f = JSON.parse(text) as { kdf: Record<string, unknown>; cipher: Record<string, unknown>; snapshot: string };
    expect(f.kdf).to.include({ name: 'scrypt', N: 1024, r: 8, p: 1 });
    expect(Buffer.from(f.kdf.salt as string, 'base64')).to.have.length(16);
    expect(f.cipher).to.include({ name: 'aes-256-gcm' });
    expect(Buffer.from(f.cipher.iv as string, 'base64')).to.have.length(12);
    expect(vaultParameters(bytes)).to.deep.equal({ snapshot: SNAPSHOT, scrypt: { N: 1024, r: 8, p: 1 } });
  });

  it('uses a fresh salt and IV each time', async () => {
    const [a, b] = [await sealed(), await sealed()];
    expect(a.equals(b)).to.equal(false);
  });

  it('seals with OWASP scrypt parameters by default (N=2^17, r=8, p=1)', async function () {
    this.timeout(30_000);
    expect(DEFAULT_SCRYPT).to.deep.equal({ N: 131_072, r: 8, p: 1 });
    const bytes = await sealVault(entries().slice(0, 1), new Secret(PASSPHRASE), SNAPSHOT);
    expect(vaultParameters(bytes).scrypt).to.deep.equal(DEFAULT_SCRYPT);
    expect((await openVault(bytes, new Secret(PASSPHRASE), SNAPSHOT))[0].consumerSecret.reveal()).to.equal(SECRET_A);
  });

  it('says a wrong passphrase is wrong, and nothing else', async () => {
    const e = await rejection(openVault(await sealed(), new Secret('correct horse battery stapler'), SNAPSHOT));
    expect(e).to.be.instanceOf(WrongPassphraseError);
    expect((e as VaultError).code).to.equal('wrong-passphrase');
    expectNoSecret(e);
  });

  it('tells a tampered ciphertext, tag, header or digest from a wrong passphrase', async () => {
    const bytes = await sealed();
    const flip = (b64: string): string => {
      const b = Buffer.from(b64, 'base64');
      b[0] ^= 1;
      return b.toString('base64');
    };
    const cases: Array<[string, (f: Record<string, unknown>) => void]> = [
      ['ciphertext', (f) => (f.ciphertext = flip(f.ciphertext as string))],
      ['tag', (f) => (f.tag = flip(f.tag as string))],
      ['iv', (f) => ((f.cipher as Record<string, string>).iv = flip((f.cipher as Record<string, string>).iv))],
      ['digest', (f) => (f.digest = '0'.repeat(64))],
    ];
    for (const [what, change] of cases) {
      const e = await rejection(openVault(edit(bytes, change), new Secret(PASSPHRASE), SNAPSHOT));
      expect(e, what).to.be.instanceOf(VaultTamperedError);
      expectNoSecret(e);
    }
  });

  it('detects a ciphertext changed by someone who also fixed the digest (GCM tag)', async () => {
    const bytes = await sealed();
    const f = JSON.parse(bytes.toString('utf8')) as Record<string, string>;
    const ct = Buffer.from(f.ciphertext, 'base64');
    ct[ct.length - 1] ^= 1;
    f.ciphertext = ct.toString('base64');
    // recompute the plain digest the way the format defines it
    const { createHash } = await import('node:crypto');
    const kdf = f.kdf as unknown as Record<string, unknown>;
    const cipher = f.cipher as unknown as Record<string, unknown>;
    f.digest = createHash('sha256')
      .update(JSON.stringify([f.format, f.version, f.snapshot, kdf.name, kdf.N, kdf.r, kdf.p, kdf.salt, cipher.name, cipher.iv, f.check, f.ciphertext, f.tag]))
      .digest('hex');
    const e = await rejection(openVault(Buffer.from(JSON.stringify(f)), new Secret(PASSPHRASE), SNAPSHOT));
    expect(e).to.be.instanceOf(VaultTamperedError);
    expect(e.message).to.contain('authentication tag');
  });

  it('cannot be paired with another snapshot', async () => {
    const e = await rejection(openVault(await sealed(), new Secret(PASSPHRASE), OTHER_SNAPSHOT));
    expect(e).to.be.instanceOf(VaultMismatchError);
    // and rewriting the snapshot it names breaks the digest
    const moved = edit(await sealed(), (f) => (f.snapshot = OTHER_SNAPSHOT));
    expect(await rejection(openVault(moved, new Secret(PASSPHRASE), OTHER_SNAPSHOT))).to.be.instanceOf(VaultTamperedError);
  });

  it('refuses what is not a vault, or asks for absurd scrypt memory', async () => {
    for (const bad of [Buffer.from('not json'), Buffer.from('{"format":"other"}'), edit(await sealed(), (f) => (f.version = 2))]) {
      expect(await rejection(openVault(bad, new Secret(PASSPHRASE), SNAPSHOT))).to.be.instanceOf(VaultFormatError);
    }
    const greedy = edit(await sealed(), (f) => ((f.kdf as Record<string, number>).N = 2 ** 24));
    const e = await rejection(openVault(greedy, new Secret(PASSPHRASE), SNAPSHOT));
    expect(e).to.be.instanceOf(VaultFormatError);
    expect(e.message).to.contain('power of two');
  });

  it('refuses to seal bad entries without naming a secret', async () => {
    const twice = [...entries(), { app: 'acme_ci', consumerKey: 'k', consumerSecret: new Secret(SECRET_A) }];
    const e = await rejection(sealVault(twice, new Secret(PASSPHRASE), SNAPSHOT, FAST));
    expect(e).to.be.instanceOf(InvalidVaultEntriesError);
    expectNoSecret(e);
    const blank = [{ app: 'A', consumerKey: 'k', consumerSecret: new Secret('  ') }];
    expect(await rejection(sealVault(blank, new Secret(PASSPHRASE), SNAPSHOT, FAST))).to.be.instanceOf(InvalidVaultEntriesError);
    const plain = [{ app: 'A', consumerKey: 'k', consumerSecret: SECRET_A as unknown as Secret }];
    const e2 = await rejection(sealVault(plain, new Secret(PASSPHRASE), SNAPSHOT, FAST));
    expect(e2).to.be.instanceOf(InvalidVaultEntriesError);
    expectNoSecret(e2);
    expect(await rejection(sealVault(entries(), new Secret(PASSPHRASE), 'not-a-hash', FAST))).to.be.instanceOf(InvalidVaultEntriesError);
    expect(await rejection(sealVault(entries(), new Secret(PASSPHRASE), SNAPSHOT, { scrypt: { N: 1000, r: 8, p: 1 } }))).to.be.instanceOf(InvalidVaultEntriesError);
  });

  it('derives the same key from the same passphrase written in another Unicode normal form', async () => {
    const nfc = 'mot de passe très secret';
    const nfd = nfc.normalize('NFD');
    expect(nfd).not.to.equal(nfc);
    const bytes = await sealVault(entries(), new Secret(nfc), SNAPSHOT, FAST);
    expect(await openVault(bytes, new Secret(nfd), SNAPSHOT)).to.have.length(2);
  });
});

describe('snapshot/passphrase: where the passphrase comes from and what it must be', () => {
  it('is read from ECA_SNAPSHOT_PASSPHRASE, outside the SF_/SFDX_ space sf logs', () => {
    expect(PASSPHRASE_ENV).to.equal('ECA_SNAPSHOT_PASSPHRASE');
    expect(PASSPHRASE_ENV).not.to.match(/^(SF|SFDX)_/);
  });

  it('accepts a long enough passphrase, dropping the line break a pipe adds', () => {
    const fromStdin = checkPassphrase(`${PASSPHRASE}\n`, 'stdin');
    expect(fromStdin.ok && fromStdin.passphrase.reveal()).to.equal(PASSPHRASE);
    const fromEnv = checkPassphrase(PASSPHRASE, 'env');
    expect(fromEnv.ok && fromEnv.source).to.equal('env');
  });

  it('refuses missing, empty, short and huge passphrases, without echoing them', () => {
    const short = 'x'.repeat(MIN_PASSPHRASE_CHARS - 1);
    const cases: Array<[string | undefined, string]> = [
      [undefined, 'missing'],
      ['', 'empty'],
      ['   \n', 'empty'],
      [short, 'too-short'],
      ['x'.repeat(1025), 'too-long'],
    ];
    for (const [raw, problem] of cases) {
      const r = checkPassphrase(raw, 'stdin');
      expect(r.ok, String(raw)).to.equal(false);
      if (!r.ok) {
        expect(r.problem).to.equal(problem);
        if (raw && raw.trim()) expect(r.message).not.to.contain(raw.trim().slice(0, 8));
      }
    }
    // twelve characters, not twelve bytes: "é" counts once
    expect(checkPassphrase('é'.repeat(MIN_PASSPHRASE_CHARS), 'env').ok).to.equal(true);
    expect(checkPassphrase('é'.repeat(MIN_PASSPHRASE_CHARS - 1), 'env').ok).to.equal(false);
    const missing = checkPassphrase(undefined, 'env');
    expect(!missing.ok && missing.message).to.contain('ECA_SNAPSHOT_PASSPHRASE');
  });
});
