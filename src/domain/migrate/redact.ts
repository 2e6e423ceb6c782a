/**
 * Redaction for anything a command may print or return as JSON (an ECA, a plan, a diff): every
 * value of a secret field (../secrets.ts) becomes "[REDACTED]", at any depth.
 */
import { isSecretField, REDACTED } from '../secrets.js';

/** Keys of a record that describe a field's value rather than name it: {field, from, to, value}. */
const VALUE_KEYS: readonly string[] = ['from', 'to', 'value'];

function redactRecord(record: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const describesSecret = typeof record.field === 'string' && isSecretField(lastSegment(record.field));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    const secret = isSecretField(key) || (describesSecret && VALUE_KEYS.includes(key));
    out[key] = secret && value !== undefined && value !== null ? REDACTED : redactSecrets(value);
  }
  return out;
}

/** "idTokenConfig.consumerSecret" -> "consumerSecret" */
function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1);
}

/**
 * A deep copy with every secret redacted: values under a secret field name ("consumerSecret"),
 * and the from/to/value of a record that describes a secret field ({field: "consumerSecret",
 * from, to}, as changes and diffs are written). Other values are copied as they are.
 */
export function redactSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => redactSecrets(v)) as T;
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return redactRecord(value as Record<string, unknown>) as T;
  }
  return value;
}
