import { Readable } from 'node:stream';
import { expect } from 'chai';
import { readClientSecret, readSecret, trimSecret } from '../../../src/domain/token/secret.js';

const stdin = (text: string, isTTY = false): AsyncIterable<Buffer | string> & { isTTY?: boolean } => Object.assign(Readable.from([text]), { isTTY });

describe('the consumer secret', () => {
  it('comes from ECA_CLIENT_SECRET, or from standard input with --secret-stdin (one line break dropped)', async () => {
    expect(await readClientSecret({ fromStdin: false, stdin: stdin(''), env: { ECA_CLIENT_SECRET: 'ABC' } })).to.deep.equal({ secret: 'ABC', source: 'env' });
    expect(await readClientSecret({ fromStdin: true, stdin: stdin('ABC\r\n'), env: { ECA_CLIENT_SECRET: 'other' } })).to.deep.equal({ secret: 'ABC', source: 'stdin' });
    expect(trimSecret('ABC\n\n')).to.equal('ABC\n');
  });

  it('names the problem: missing, empty, a terminal, too long', async () => {
    expect(await readClientSecret({ fromStdin: false, stdin: stdin(''), env: {} })).to.deep.equal({ problem: 'missing' });
    expect(await readClientSecret({ fromStdin: false, stdin: stdin(''), env: { ECA_CLIENT_SECRET: ' ' } })).to.deep.equal({ problem: 'empty' });
    expect(await readClientSecret({ fromStdin: true, stdin: stdin('\n'), env: {} })).to.deep.equal({ problem: 'empty' });
    expect(await readClientSecret({ fromStdin: true, stdin: stdin('', true), env: {} })).to.deep.equal({ problem: 'tty' });
    expect(await readClientSecret({ fromStdin: true, stdin: stdin('x'.repeat(5000)), env: {} })).to.deep.equal({ problem: 'too-long' });
  });

  it('is never read from the old SF_ECA_CLIENT_SECRET, which sf logs at debug level', async () => {
    expect(await readClientSecret({ fromStdin: false, stdin: stdin(''), env: { SF_ECA_CLIENT_SECRET: 'ABC' } })).to.deep.equal({ problem: 'missing' });
  });

  it('refuses to read any secret from an SF_ or SFDX_ variable', async () => {
    for (const envName of ['SF_SNAPSHOT_PASSPHRASE', 'SFDX_SECRET', 'sf_lower']) {
      let thrown: unknown;
      await readSecret({ envName, fromStdin: false, stdin: stdin(''), env: { [envName]: 'x' } }).catch((e: unknown) => (thrown = e));
      expect(String(thrown)).to.contain('never read from an SF_ or SFDX_ variable');
    }
    expect(await readSecret({ envName: 'ECA_SNAPSHOT_PASSPHRASE', fromStdin: false, stdin: stdin(''), env: { ECA_SNAPSHOT_PASSPHRASE: 'p' } })).to.deep.equal({ secret: 'p', source: 'env' });
  });
});
