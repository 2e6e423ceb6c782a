/**
 * Applies the fixes of findings to a component's values (pure): each Fix names field paths inside
 * one component and the recommended value (null removes the element). A field path that goes
 * through a missing parent creates it.
 */
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
