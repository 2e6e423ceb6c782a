/** Small text helpers the domain shares. */

/** Levenshtein distance. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** Ordinal comparison, so output does not depend on the machine's locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

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

/**
 * Names for a sentence: all of them up to `limit`, else the first `limit` and how many more
 * ("A, B, C, D, E and 494 more"), so a message stays readable and its length does not grow with
 * the org.
 */
export function someNames(names: readonly string[], limit = 5): string {
  return names.length <= limit ? names.join(', ') : `${names.slice(0, limit).join(', ')} and ${names.length - limit} more`;
}
