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

/** Names as a set to look names up in without case (sameName for many names at once). */
export function nameSet(names: Iterable<string> = []): Set<string> {
  return new Set([...names].map((n) => n.toLowerCase()));
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

export { closeMatches, compareText, didYouMean, editDistance } from '../text.js';
