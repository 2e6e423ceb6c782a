import { Readable } from 'node:stream';
import { expect } from 'chai';
import { readClientSecret, trimSecret } from '../../../src/domain/token/secret.js';

const stdin = (text: string, isTTY = false): AsyncIterable<Buffer | string> & { isTTY?: boolean } => Object.assign(Readable.from([text]), { isTTY });

describe('the consumer secret', () => {
  it('comes from SF_ECA_CLIENT_SECRET, or from standard input with --secret-stdin (one line break dropped)', async () => {
    expect(await readClientSecret({ fromStdin: false, stdin: stdin(''), env: { SF_ECA_CLIENT_SECRET: 'ABC' } })).to.deep.equal({ secret: 'ABC', source: 'env' });
    expect(await readClientSecret({ fromStdin: true, stdin: stdin('ABC\r\n'), env: { SF_ECA_CLIENT_SECRET: 'other' } })).to.deep.equal({ secret: 'ABC', source: 'stdin' });
    expect(trimSecret('ABC\n\n')).to.equal('ABC\n');
  });

  it('names the problem: missing, empty, a terminal, too long', async () => {
    expect(await readClientSecret({ fromStdin: false, stdin: stdin(''), env: {} })).to.deep.equal({ problem: 'missing' });
    expect(await readClientSecret({ fromStdin: false, stdin: stdin(''), env: { SF_ECA_CLIENT_SECRET: ' ' } })).to.deep.equal({ problem: 'empty' });
    expect(await readClientSecret({ fromStdin: true, stdin: stdin('\n'), env: {} })).to.deep.equal({ problem: 'empty' });
    expect(await readClientSecret({ fromStdin: true, stdin: stdin('', true), env: {} })).to.deep.equal({ problem: 'tty' });
    expect(await readClientSecret({ fromStdin: true, stdin: stdin('x'.repeat(5000)), env: {} })).to.deep.equal({ problem: 'too-long' });
  });
});
