/**
 * A secret value (a consumer secret, a passphrase) that does not show itself: `String()`,
 * template literals, `JSON.stringify`, `util.inspect` (console.log, debug logs) and error
 * messages built from it all give "[REDACTED]". Only `reveal()` gives the value, so every place
 * that uses it is one grep away. The value lives in a private field: it is not an own property,
 * so spreading, `Object.entries` and `structuredClone` do not carry it either.
 */
import { timingSafeEqual } from 'node:crypto';
import { REDACTED } from '../secrets.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

export class Secret {
  readonly #value: string;

  public constructor(value: string) {
    this.#value = value;
    Object.freeze(this);
  }

  /** The value itself: pass it straight to where it is needed (a cipher, a request body). */
  public reveal(): string {
    return this.#value;
  }

  /** True when both hold the same value (constant time for equal lengths). */
  public equals(other: Secret): boolean {
    const a = Buffer.from(this.#value, 'utf8');
    const b = Buffer.from(other.reveal(), 'utf8');
    return a.length === b.length && timingSafeEqual(a, b);
  }

  public toString(): string {
    return REDACTED;
  }

  public toJSON(): string {
    return REDACTED;
  }

  public [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  public [INSPECT](): string {
    return `Secret ${REDACTED}`;
  }
}
