/**
 * The `--json` text sf-plugins-core prints (`JSON.stringify` with two spaces, through oclif's
 * colorizeJson), made without colorizeJson when there is no colour to add: colorizeJson splits the
 * whole text into tokens with a regular expression each and joins them again, about 90 ms and a
 * token object per value for policy check's 1 MB answer of a 1,000-app org, to return the same text
 * when standard output is not a terminal.
 *
 * No colour, as oclif's supports-color decides it for standard output: not a terminal, and neither
 * FORCE_COLOR nor a --color flag forces it. Otherwise undefined (sf-plugins-core colours it).
 */
export type ColorContext = { isTTY?: boolean; env: NodeJS.ProcessEnv; argv: readonly string[] };

export function plainJson(json: unknown, context: ColorContext = { isTTY: process.stdout.isTTY, env: process.env, argv: process.argv }): string | undefined {
  if (context.isTTY) return undefined;
  if (context.env.FORCE_COLOR !== undefined) return undefined;
  if (context.argv.some((a) => /^--colou?rs?(=|$)/.test(a))) return undefined;
  return JSON.stringify(json, null, 2);
}
