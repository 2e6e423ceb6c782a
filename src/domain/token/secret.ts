/**
 * Where the consumer secret of the client credentials flow comes from: standard input
 * (--secret-stdin) or the environment (ECA_CLIENT_SECRET). Never a flag value, which would
 * land in shell history and process listings; never the org (even when its settings expose it).
 */
import { CLIENT_SECRET_ENV } from './flows.js';

export type SecretSource = 'stdin' | 'env';

export type SecretInput = { secret: string; source: SecretSource } | { problem: 'missing' | 'empty' | 'tty' | 'too-long' };

const MAX_SECRET_BYTES = 4096;

/** The secret without the one line break a pipe (echo, a file) adds. */
export function trimSecret(raw: string): string {
  return raw.replace(/\r?\n$/, '');
}

/** Reads all of a stream (standard input), up to a few kilobytes. */
export async function readStream(stream: AsyncIterable<Buffer | string>, maxBytes = MAX_SECRET_BYTES): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += b.length;
    if (size > maxBytes) return undefined;
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A secret from standard input when asked, else from the named environment variable: the one way
 * every command reads a secret, a key passphrase or a snapshot passphrase. A terminal on standard
 * input is refused: the secret must be piped, not typed where it echoes. The variable's name must
 * not start with SF_ or SFDX_: the real `sf` writes every such variable to its debug log at start-up.
 */
export async function readSecret(input: {
  envName: string;
  fromStdin: boolean;
  stdin: AsyncIterable<Buffer | string> & { isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
}): Promise<SecretInput> {
  if (/^(SF|SFDX)_/i.test(input.envName)) throw new Error(`${input.envName}: a secret is never read from an SF_ or SFDX_ variable (sf logs those at debug level)`);
  if (input.fromStdin) {
    if (input.stdin.isTTY) return { problem: 'tty' };
    const raw = await readStream(input.stdin);
    if (raw === undefined) return { problem: 'too-long' };
    const secret = trimSecret(raw);
    return secret.trim() === '' ? { problem: 'empty' } : { secret, source: 'stdin' };
  }
  const fromEnv = input.env[input.envName];
  if (fromEnv === undefined) return { problem: 'missing' };
  return fromEnv.trim() === '' ? { problem: 'empty' } : { secret: fromEnv, source: 'env' };
}

/** The client-credentials consumer secret: standard input when asked, else CLIENT_SECRET_ENV. */
export async function readClientSecret(input: {
  fromStdin: boolean;
  stdin: AsyncIterable<Buffer | string> & { isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
}): Promise<SecretInput> {
  return readSecret({ ...input, envName: CLIENT_SECRET_ENV });
}
