/**
 * The passphrase that seals a snapshot's credentials. It comes from ECA_SNAPSHOT_PASSPHRASE or
 * from standard input, never from a flag (shell history, process listings) and never from an
 * SF_* / SFDX_* variable: the real `sf` logs those at debug level at start-up.
 *
 * The rules here are ours, not Salesforce's: at least 12 characters (Unicode code points after
 * NFC normalisation, so the same passphrase typed on macOS and Linux derives the same key), at
 * most 1,024 bytes, not blank. A pipeline should use a generated random value.
 */
import { trimSecret } from '../token/secret.js';
import { Secret } from './secret.js';

export const PASSPHRASE_ENV = 'ECA_SNAPSHOT_PASSPHRASE';
export const MIN_PASSPHRASE_CHARS = 12;
export const MAX_PASSPHRASE_BYTES = 1024;

export type PassphraseSource = 'env' | 'stdin';

export type PassphraseProblem = 'missing' | 'empty' | 'too-short' | 'too-long';

export type PassphraseCheck =
  | { readonly ok: true; readonly passphrase: Secret; readonly source: PassphraseSource }
  | { readonly ok: false; readonly problem: PassphraseProblem; readonly message: string };

function where(source: PassphraseSource): string {
  return source === 'env' ? PASSPHRASE_ENV : 'standard input';
}

/**
 * Checks a passphrase as read (undefined: the variable is not set, or nothing was piped). From
 * standard input the one line break a pipe adds is dropped. Messages never contain the value.
 */
export function checkPassphrase(raw: string | undefined, source: PassphraseSource): PassphraseCheck {
  if (raw === undefined) {
    return { ok: false, problem: 'missing', message: `No passphrase: set ${PASSPHRASE_ENV} or pipe the passphrase to standard input.` };
  }
  const value = (source === 'stdin' ? trimSecret(raw) : raw).normalize('NFC');
  if (value.trim() === '') return { ok: false, problem: 'empty', message: `The passphrase from ${where(source)} is empty.` };
  if (Buffer.byteLength(value, 'utf8') > MAX_PASSPHRASE_BYTES) {
    return { ok: false, problem: 'too-long', message: `The passphrase from ${where(source)} is longer than ${MAX_PASSPHRASE_BYTES} bytes.` };
  }
  if ([...value].length < MIN_PASSPHRASE_CHARS) {
    return {
      ok: false,
      problem: 'too-short',
      message: `The passphrase from ${where(source)} is shorter than ${MIN_PASSPHRASE_CHARS} characters (a generated random value is best).`,
    };
  }
  return { ok: true, passphrase: new Secret(value), source };
}
