/**
 * Small text helpers of the migration: the list formats ECA fields use (comma-separated names,
 * one URL a line), case-insensitive names, and close matches for "did you mean".
 */

/** A list field split into items, with the separator to write it back the way it was written. */
export type SplitList = { readonly items: readonly string[]; readonly separator: string };

/** "A, B,C" -> items A, B, C; written back with ", " when the value used a space after commas, else ",". */
export function splitCommaList(value: string): SplitList {
  return {
    items: value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
    separator: /,[ \t]/.test(value) ? ', ' : ',',
  };
}

/** One item a line; written back with the line ending the value used. */
export function splitLines(value: string): SplitList {
  return {
    items: value
      .split(/\r?\n/)
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
    separator: value.includes('\r\n') ? '\r\n' : '\n',
  };
}

/** Salesforce compares usernames, profile, permission set and developer names without case. */
export function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Keeps the first of names that differ only in case, in order. */
export function uniqueNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.filter((n) => {
    const key = n.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Ordinal comparison, so output does not depend on the machine's locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export { editDistance } from '../text.js';
import { editDistance } from '../text.js';

/**
 * The options closest to a value, best first: within a small edit distance (ignoring case), or
 * containing it / contained in it when it has at least four characters.
 */
export function closeMatches(value: string, options: readonly string[], limit = 3): string[] {
  const v = value.toLowerCase();
  const tolerance = Math.max(2, Math.floor(value.length / 4));
  return options
    .map((option) => {
      const o = option.toLowerCase();
      const contains = v.length >= 4 && (o.includes(v) || v.includes(o));
      return { option, distance: contains ? 0 : editDistance(v, o) };
    })
    .filter((m) => m.distance <= tolerance)
    .sort((a, b) => a.distance - b.distance || compareText(a.option, b.option))
    .slice(0, limit)
    .map((m) => m.option);
}

/** `; did you mean "x"?` for a near miss, else "". */
export function didYouMean(value: string, options: readonly string[]): string {
  const [best] = closeMatches(value, options, 1);
  return best === undefined ? '' : `; did you mean "${best}"?`;
}
