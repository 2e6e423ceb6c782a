/**
 * Human views shared by commands: tables that wrap and never truncate, key/value lists, the
 * effective settings of an ECA as rows, and the command line as a report quotes it.
 *
 * Tables: sf-plugins-core's table (@oclif/table) cuts every cell that does not fit the terminal
 * with "…" (its default overflow is `truncate`), and with no rows it wraps its title into a column
 * one character wide. Every command prints tables through printTable/printKeyValues instead:
 * - no rows: a sentence saying so, never an empty table;
 * - the title is its own line, never wrapped into the table's width;
 * - columns marked `whole` (names, keys, ids, URLs) keep their full width; the others wrap
 *   between words (`overflow: 'wrap'`), never inside one;
 * - when even that does not fit the terminal, each row is printed as its own short block
 *   ("Header: value" pairs), and key/value lists as "Key: value" lines, so nothing is cut and a
 *   key can be copied in one piece.
 * The width is OCLIF_TABLE_COLUMN_OVERRIDE, the terminal's, or COLUMNS when it is exported; with
 * none of them (a pipe) a table takes its natural width.
 */
import type { EcaSummary } from '../domain/summary.js';

export type SettingRow = { Setting: string; Value: string };

function yesNo(v: boolean | undefined): string {
  return v === undefined ? '' : v ? 'yes' : 'no';
}

export function settingRows(s: EcaSummary): SettingRow[] {
  const rows: Array<[string, string]> = [
    ['Name', s.name],
    ['Label', s.label ?? ''],
    ['Distribution state', s.distributionState ?? ''],
    ['Flows', s.flows.join(', ')],
    ['Scopes', s.scopes.join(', ')],
    ['Callback URLs', s.callbackUrls.join('\n')],
    ['Permitted users', s.permittedUsers ?? ''],
    ['Profiles', s.profiles.join(', ')],
    ['Permission sets', s.permissionSets.join(', ')],
    ['Run-as user', s.runAs ?? ''],
    ['Refresh token policy', s.refreshTokenPolicy ?? ''],
    ['IP relaxation', s.ipRelaxation ?? ''],
    ['Session timeout (minutes)', s.sessionTimeoutInMinutes === undefined ? '' : String(s.sessionTimeoutInMinutes)],
    ['PKCE required', yesNo(s.pkceRequired)],
    ['Consumer secret optional', yesNo(s.consumerSecretOptional)],
  ];
  if (s.certificate) {
    const c = s.certificate;
    rows.push([
      'Certificate',
      c.placeholder ? 'placeholder (substituted at deploy)' : c.invalid ? 'not a valid certificate' : `${c.subject ?? ''}, expires ${c.validTo ?? ''} (${c.daysLeft ?? ''} days)`,
    ]);
  }
  return rows.filter(([, v]) => v !== '').map(([Setting, Value]) => ({ Setting, Value }));
}

// ---------------------------------------------------------------------------------------------
// tables

/** What a command prints through (SfCommand has both; tests stub them). */
export type TableOutput = {
  log(text?: string): void;
  table(options: { data: Array<Record<string, unknown>>; columns?: Array<{ key: string; name?: string; width?: number; overflow?: 'wrap' }>; overflow?: 'wrap'; maxWidth?: number | 'none' }): void;
};

export type TableColumn<K extends string> = {
  readonly key: K;
  /** the header as printed (not re-cased) */
  readonly name: string;
  /** never wrapped: a name, key, id or URL that must stay in one piece */
  readonly whole?: boolean;
};

export type TableSpec<K extends string> = {
  readonly title?: string;
  readonly columns: ReadonlyArray<TableColumn<K>>;
  readonly data: ReadonlyArray<Readonly<Record<K, string>>>;
  /** what to say when there are no rows ("No Connected Apps found in prod.") */
  readonly empty: string;
};

/** Columns as @oclif/table takes them, with their widths. */
type LaidColumn = { key: string; name: string; width: number; overflow: 'wrap' };

export type TableLayout =
  | { kind: 'empty'; lines: string[] }
  | { kind: 'table'; columns: LaidColumn[]; maxWidth?: number }
  | { kind: 'records'; lines: string[] };

const PADDING = 1;
/** the narrowest a wrapping column gets */
const MIN_WRAP = 8;
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/** Display width of text (code points; ANSI colours do not count). */
export function textWidth(text: string): number {
  return Math.max(0, ...text.split('\n').map((l) => [...l.replace(ANSI, '')].length));
}

/** The width tables are laid out for, or undefined for their natural width (a pipe). */
export function terminalWidth(env: NodeJS.ProcessEnv = process.env, stdout: { isTTY?: boolean; columns?: number } = process.stdout): number | undefined {
  const override = Number.parseInt(env.OCLIF_TABLE_COLUMN_OVERRIDE ?? '', 10);
  if (override > 0) return override;
  if (stdout.isTTY && stdout.columns && stdout.columns > 0) return stdout.columns;
  const columns = Number.parseInt(env.COLUMNS ?? '', 10);
  return columns > 0 ? columns : undefined;
}

function longestWord(text: string): number {
  return Math.max(0, ...text.split(/\s+/).map((w) => textWidth(w)));
}

/** How a table is printed at a width: as a table (widths chosen), as blocks, or as a sentence. */
export function layoutTable<K extends string>(spec: TableSpec<K>, width: number | undefined): TableLayout {
  if (spec.data.length === 0) return { kind: 'empty', lines: [spec.empty] };
  const natural = spec.columns.map((c) => Math.max(textWidth(c.name), ...spec.data.map((r) => textWidth(r[c.key] ?? ''))) + PADDING * 2);
  const borders = spec.columns.length + 1;
  const columns = (widths: number[]): LaidColumn[] => spec.columns.map((c, i) => ({ key: c.key, name: c.name, width: widths[i], overflow: 'wrap' as const }));
  const total = (widths: number[]): number => widths.reduce((a, b) => a + b, 0) + borders;
  if (width === undefined || total(natural) <= width) return { kind: 'table', columns: columns(natural), ...(width ? { maxWidth: width } : {}) };

  // whole columns keep their width; the others give up width, the widest first, down to their
  // longest word (a column wraps between words, never inside one)
  const floor = spec.columns.map((c, i) =>
    c.whole ? natural[i] : Math.min(natural[i], Math.max(MIN_WRAP, longestWord(c.name), ...spec.data.map((r) => longestWord(r[c.key] ?? ''))) + PADDING * 2)
  );
  if (total(floor) > width) return { kind: 'records', lines: recordLines(spec, width) };
  const widths = [...natural];
  while (total(widths) > width) {
    const i = widths.map((w, j) => ({ w, j })).filter(({ w, j }) => w > floor[j]).sort((a, b) => b.w - a.w)[0]?.j;
    if (i === undefined) break;
    widths[i] = Math.max(floor[i], widths[i] - (total(widths) - width));
  }
  return { kind: 'table', columns: columns(widths), maxWidth: width };
}

/** Fills lines of at most `width` with words (a word longer than that gets a line of its own, whole). */
function fill(words: readonly string[], width: number, first: string, next: string, join: (a: string, b: string) => string): string[] {
  const lines: string[] = [];
  let current = '';
  for (const w of words) {
    const prefix = lines.length ? next : first;
    if (current && textWidth(prefix + join(current, w)) > width) {
      lines.push(prefix + current);
      current = w;
    } else current = current ? join(current, w) : w;
  }
  if (current) lines.push((lines.length ? next : first) + current);
  return lines;
}

/** Wraps "a · b · c" parts into lines of at most `width`; a part too long for a line wraps between its words. */
function wrapParts(parts: readonly string[], width: number, indent: string): string[] {
  const lines: string[] = [];
  for (const line of fill(parts, width, indent, indent, (a, b) => `${a} · ${b}`)) {
    if (textWidth(line) <= width) lines.push(line);
    else lines.push(...fill(line.trim().split(/ +/), width, indent, `${indent}  `, (a, b) => `${a} ${b}`));
  }
  return lines;
}

/** Each row as a block: its first whole column (or first column) as the heading, the rest as "Header: value" pairs. */
function recordLines<K extends string>(spec: TableSpec<K>, width: number): string[] {
  const head = spec.columns.find((c) => c.whole) ?? spec.columns[0];
  const lines: string[] = [];
  for (const row of spec.data) {
    if (lines.length) lines.push('');
    lines.push(row[head.key] || '-');
    const parts = spec.columns.filter((c) => c !== head && (row[c.key] ?? '') !== '').map((c) => `${c.name}: ${row[c.key].replace(/\s*\n\s*/g, ', ')}`);
    lines.push(...wrapParts(parts, width, '  '));
  }
  return lines;
}

/** Prints a table that wraps instead of truncating (see the top of this file). */
export function printTable<K extends string>(out: TableOutput, spec: TableSpec<K>, width: number | undefined = terminalWidth()): void {
  const layout = layoutTable(spec, width);
  if (layout.kind === 'empty') {
    for (const l of layout.lines) out.log(l);
    return;
  }
  if (spec.title) out.log(spec.title);
  if (layout.kind === 'records') {
    // a blank line after, as after a table
    for (const l of [...layout.lines, '']) out.log(l);
    return;
  }
  out.table({
    data: spec.data.map((r) => ({ ...r })),
    columns: layout.columns,
    overflow: 'wrap',
    // in a pipe (no width known) the natural width: @oclif/table would draw the table into 80
    // columns and leave the first line of a multi-line cell unpadded
    ...(layout.maxWidth ? { maxWidth: layout.maxWidth } : width === undefined ? { maxWidth: 'none' as const } : {}),
  });
}

/**
 * Prints key/value pairs: a two-column table when it fits, else "Key: value" lines (a consumer
 * key or a URL is never cut or wrapped across table borders). Pairs with an empty value are left out.
 */
export function printKeyValues(
  out: TableOutput,
  spec: { title?: string; pairs: ReadonlyArray<readonly [string, string | undefined]>; empty: string; headers?: readonly [string, string] },
  width: number | undefined = terminalWidth()
): void {
  const pairs = spec.pairs.filter((p): p is readonly [string, string] => p[1] !== undefined && p[1] !== '');
  // rows keyed by the headers ({ Key, Value }), as sf tables of pairs are
  const [keyHeader, valueHeader] = spec.headers ?? ['Key', 'Value'];
  const table: TableSpec<string> = {
    title: spec.title,
    empty: spec.empty,
    columns: [
      { key: keyHeader, name: keyHeader, whole: true },
      { key: valueHeader, name: valueHeader, whole: true },
    ],
    data: pairs.map(([key, value]) => ({ [keyHeader]: key, [valueHeader]: value })),
  };
  const layout = layoutTable(table, width);
  if (layout.kind !== 'records') return printTable(out, table, width);
  if (spec.title) out.log(spec.title);
  for (const [key, value] of pairs) out.log(`${key}: ${value.includes('\n') ? `\n${value.replace(/^/gm, '  ')}` : value}`);
  out.log('');
}

/**
 * Long explanations (remedies, reasons) as a list outside any table: each item's head on its own
 * line, its text below it, wrapped between words at the width (or not at all in a pipe).
 */
export function printNotes(
  out: Pick<TableOutput, 'log'>,
  spec: { title: string; items: ReadonlyArray<{ head: string; text?: string }> },
  width: number | undefined = terminalWidth()
): void {
  if (spec.items.length === 0) return;
  out.log(spec.title);
  for (const item of spec.items) {
    out.log(`  ${item.head}`);
    if (!item.text) continue;
    const words = item.text.split(/\s+/).filter(Boolean);
    for (const l of width ? fill(words, width, '    ', '    ', (a, b) => `${a} ${b}`) : [`    ${words.join(' ')}`]) out.log(l);
  }
  out.log('');
}

// ---------------------------------------------------------------------------------------------
// the command line

/** Flags whose value is never repeated back (no such flag is a secret today: this is the guard for tomorrow's). */
const SECRET_FLAG = /secret|password|passphrase|token|private-key|auth-url|^--key$/i;
/** Values that look like credentials whatever flag carries them: an access token, an sfdx auth URL, a PEM key. */
const SECRET_VALUE = /^00D\w{12,15}!|^force:\/\/|-----BEGIN [A-Z ]*PRIVATE KEY-----/;

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}

/**
 * The command as the user typed it, for a report's header: `sf eca convert --source-dir 'my apps'`
 * (the command words as typed when the process's arguments show them, else from its id),
 * each argument quoted for a shell, and the value of any secret-looking flag (or any value that
 * looks like a credential) replaced by `***`.
 */
export function commandLine(bin: string, commandId: string, argv: readonly string[], processArgv: readonly string[] = process.argv): string {
  // the command words as typed ("eca convert" or "eca:convert"), when the process's arguments end with the command's
  const start = processArgv.length - argv.length;
  const typed = processArgv.slice(2, start);
  const asTyped = start >= 2 && argv.every((a, i) => processArgv[start + i] === a) && typed.length > 0 && typed.join(':') === commandId.split(' ').join(':');
  const words: string[] = [bin, ...(asTyped ? typed : commandId.split(':'))];
  let hideNext = false;
  for (const arg of argv) {
    // a secret flag's value (a boolean flag such as --secret-stdin has none: the next word is a flag)
    if (hideNext && !arg.startsWith('-')) {
      words.push('***');
      hideNext = false;
      continue;
    }
    hideNext = false;
    const eq = /^(--?[\w-]+)=(.*)$/s.exec(arg);
    if (eq && (SECRET_FLAG.test(eq[1]) || SECRET_VALUE.test(eq[2]))) {
      words.push(`${eq[1]}=***`);
      continue;
    }
    if (/^--?[\w-]+$/.test(arg) && SECRET_FLAG.test(arg)) hideNext = true;
    words.push(SECRET_VALUE.test(arg) ? '***' : shellQuote(arg));
  }
  return words.join(' ');
}
