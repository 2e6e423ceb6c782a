/**
 * Applies the fixes of findings to a component's values (pure): each Fix names field paths inside
 * one component and the recommended value (null removes the element). A field path that goes
 * through a missing parent creates it.
 */
import { REDACTED, SECRET_FIELDS } from '../secrets.js';
import type { MetadataValue, MetadataValues } from '../xml.js';
import type { Fix, FixValue } from './rules.js';

function toValue(v: Exclude<FixValue, null>): MetadataValue {
  return Array.isArray(v) ? [...(v as readonly string[])] : (v as MetadataValue);
}

export function applyFixes(values: MetadataValues, fixes: readonly Fix[]): MetadataValues {
  const out = structuredClone(values);
  for (const fix of fixes) {
    for (const [path, value] of Object.entries(fix.set)) {
      const keys = path.split('.');
      let node: MetadataValues = out;
      for (const k of keys.slice(0, -1)) {
        const next = node[k];
        if (typeof next !== 'object' || next === null || Array.isArray(next)) node[k] = {};
        node = node[k] as MetadataValues;
      }
      const last = keys[keys.length - 1];
      if (value === null) delete node[last];
      else node[last] = toValue(value);
    }
  }
  return out;
}

const SECRET_ELEMENTS = new RegExp(`<(${[...SECRET_FIELDS].join('|')})(\\s[^>]*)?>([\\s\\S]*?)</\\1\\s*>`, 'g');

/**
 * A metadata file's text with the value of every secret element (consumerSecret, ...; see
 * ../secrets.ts) replaced by [REDACTED], so a diff of it never shows a secret, in a changed line or
 * a line of context. Fixes never change a secret, so the diff of two redacted texts is the diff.
 */
export function redactSecrets(xml: string): string {
  return xml.replace(SECRET_ELEMENTS, (_m, name: string, attrs: string | undefined) => `<${name}${attrs ?? ''}>${REDACTED}</${name}>`);
}
