/**
 * The one place a new secret (a consumer secret, a private key) leaves the plugin: exactly one
 * sink the user chose.
 *
 *   --secret-file <path>    the value alone, mode 0600, written atomically (a file already there is
 *                           replaced whole); refused inside a package directory or a git work tree
 *                           unless git ignores it (./secretPaths.ts)
 *   --to-env-file <path>    KEY=value lines, the same path rules and mode; other lines are kept, the
 *                           plugin's own keys replaced where they stand
 *   --to-command "<cmd>"    the command runs without a shell; the value goes to its standard input,
 *                           never to its arguments or environment; its exit code is checked; its
 *                           output is shown with any copy of the value redacted
 *
 * The value is never printed, logged (the trace log gets the step by name), put in --json or in
 * an error. Check a sink with prepareSink() before anything changes in the org, so that a bad path
 * or an unknown command fails first; then deliver().
 */
import { spawn } from 'node:child_process';
import { constants as fsConstants, promises as fs } from 'node:fs';
import { delimiter, isAbsolute, join, relative, resolve } from 'node:path';
import { Logger, Messages } from '@salesforce/core';
import { redact } from '../domain/token/redact.js';
import { existingFiles, writeFilesAtomically } from './files.js';
import { checkSecretPath } from './secretPaths.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.secretSink');

export type SinkFlags = { readonly 'secret-file'?: string; readonly 'to-env-file'?: string; readonly 'to-command'?: string };

export type SinkSpec =
  | { readonly kind: 'file'; readonly path: string; readonly flag: string }
  | { readonly kind: 'env-file'; readonly path: string; readonly flag: string }
  | { readonly kind: 'command'; readonly command: string; readonly flag: string };

export type PreparedSink =
  | (SinkSpec & { readonly kind: 'file' | 'env-file'; readonly target: string })
  | (SinkSpec & { readonly kind: 'command'; readonly argv: readonly string[]; readonly executable: string });

/** What a delivery did, never the value: safe for output and --json. */
export type SinkReceipt = {
  readonly kind: 'file' | 'env-file' | 'command';
  /** file sinks: the path as the user typed it */
  readonly path?: string;
  /** file sinks: an existing file was replaced (file) or updated (env file) */
  readonly replaced?: boolean;
  /** env file: the names written */
  readonly names?: readonly string[];
  /** the command as the user typed it (the value is never in it) */
  readonly command?: string;
  readonly exitCode?: number;
  /** the command's output (standard output, then standard error), the value redacted */
  readonly output?: string;
};

/** The value, and for an env file its variable name and the other (not secret) lines to write beside it. */
export type SinkPayload = {
  readonly value: string;
  /** env file: the variable for the value */
  readonly name: string;
  /** env file: other variables to set (a consumer key: not a secret) */
  readonly extra?: Readonly<Record<string, string>>;
  /** other secrets to redact from a command's output */
  readonly redactAlso?: readonly string[];
};

const COMMAND_TIMEOUT_MS = 120_000;
const MAX_OUTPUT = 64 * 1024;

/** The one sink among the flags; NoSinkError or TooManySinksError otherwise. `file` overrides the file flag (cert rotate: the key path). */
export function chooseSink(flags: SinkFlags, options: { required: boolean; file?: { path: string; flag: string } }): SinkSpec | undefined {
  const chosen: SinkSpec[] = [];
  if (options.file) chosen.push({ kind: 'file', path: options.file.path, flag: options.file.flag });
  else if (flags['secret-file'] !== undefined) chosen.push({ kind: 'file', path: flags['secret-file'], flag: '--secret-file' });
  if (flags['to-env-file'] !== undefined) chosen.push({ kind: 'env-file', path: flags['to-env-file'], flag: '--to-env-file' });
  if (flags['to-command'] !== undefined) chosen.push({ kind: 'command', command: flags['to-command'], flag: '--to-command' });
  if (chosen.length > 1) throw messages.createError('error.TooManySinks', [chosen.map((c) => c.flag).join(', ')]);
  if (chosen.length === 0 && options.required) throw messages.createError('error.NoSink');
  return chosen[0];
}

/** Checks the sink before anything changes: the path rules, or that the command can be found. */
export async function prepareSink(spec: SinkSpec, cwd: string = process.cwd()): Promise<PreparedSink> {
  if (spec.kind === 'command') {
    const argv = splitCommand(spec.command);
    if (argv.length === 0) throw messages.createError('error.EmptyCommand');
    const executable = await findExecutable(argv[0], cwd);
    if (!executable) throw messages.createError('error.CommandNotFound', [argv[0]], [argv[0]]);
    return { ...spec, argv, executable };
  }
  const target = await checkSecretPath(spec.path, { flag: spec.flag, cwd });
  try {
    const st = await fs.lstat(target);
    if (!st.isFile()) throw messages.createError('error.NotAFile', [spec.path]);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  return { ...spec, target };
}

/** Delivers the value to the sink; throws a named error (the value redacted) when it could not. */
export async function deliver(sink: PreparedSink, payload: SinkPayload): Promise<SinkReceipt> {
  const log = Logger.childFromRoot('eca:secretSink');
  log.trace(`deliver: ${payload.name} to ${sink.kind} ${sink.kind === 'command' ? sink.argv[0] : sink.path}`);
  if (sink.kind === 'command') return runCommand(sink, payload);
  const existed = (await existingFiles([sink.target])).length > 0;
  if (sink.kind === 'file') {
    const content = payload.value.endsWith('\n') ? payload.value : `${payload.value}\n`;
    await writeSecretFile(sink.target, content, sink.path);
    return { kind: 'file', path: sink.path, replaced: existed };
  }
  const before = existed ? await fs.readFile(sink.target, 'utf8') : '';
  const values = { ...(payload.extra ?? {}), [payload.name]: payload.value };
  await writeSecretFile(sink.target, updateEnvText(before, values), sink.path);
  return { kind: 'env-file', path: sink.path, replaced: existed, names: Object.keys(values) };
}

async function writeSecretFile(target: string, content: string, shown: string): Promise<void> {
  try {
    await writeFilesAtomically([{ path: target, content, mode: 0o600 }]);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw messages.createError('error.WriteFailed', [shown, code ?? (e instanceof Error ? e.message : String(e))]);
  }
}

/** KEY=value, quoted when the value holds anything but plain characters. */
export function envLine(name: string, value: string): string {
  if (/^[A-Za-z0-9_.:/+=@-]*$/.test(value)) return `${name}=${value}`;
  return `${name}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$/g, '\\$').replace(/`/g, '\\`').replace(/\r?\n/g, '\\n')}"`;
}

/** The env file with `values` set: a line that sets one of them is replaced where it stands, the others kept; new ones appended. */
export function updateEnvText(text: string, values: Readonly<Record<string, string>>): string {
  const lines = text === '' ? [] : text.replace(/\r?\n$/, '').split(/\r?\n/);
  const pending = new Map(Object.entries(values));
  const out: string[] = [];
  for (const line of lines) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line);
    const name = m?.[1];
    if (name !== undefined && values[name] !== undefined) {
      // the first line for the name takes the value, any later duplicate goes
      if (pending.has(name)) {
        out.push(envLine(name, values[name]));
        pending.delete(name);
      }
      continue;
    }
    out.push(line);
  }
  for (const [name, value] of pending) out.push(envLine(name, value));
  return `${out.join('\n')}\n`;
}

/** Splits a command line as a shell would split words (quotes, backslashes), refusing what only a shell understands. */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < command.length && '"\\$`'.includes(command[i + 1])) word += command[++i];
      else if (c === '$' || c === '`') throw messages.createError('error.ShellSyntax', [command, c]);
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < command.length) {
      word += command[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if ('|&;<>()$`*?'.includes(c)) {
      throw messages.createError('error.ShellSyntax', [command, c]);
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw messages.createError('error.ShellSyntax', [command, quote]);
  if (inWord) words.push(word);
  return words;
}

/** The program as the OS would find it: a path (relative to cwd), or a name on PATH (PATHEXT on Windows). */
async function findExecutable(program: string, cwd: string): Promise<string | undefined> {
  const runnable = async (p: string): Promise<boolean> => {
    try {
      const st = await fs.stat(p);
      if (!st.isFile()) return false;
      await fs.access(p, process.platform === 'win32' ? fsConstants.F_OK : fsConstants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (program.includes('/') || program.includes('\\') || isAbsolute(program)) {
    const p = resolve(cwd, program);
    return (await runnable(p)) ? p : undefined;
  }
  const exts = process.platform === 'win32' ? (process.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const ext of exts) {
      const p = join(dir, `${program}${ext}`);
      if (await runnable(p)) return p;
    }
  }
  return undefined;
}

function runCommand(sink: PreparedSink & { kind: 'command' }, payload: SinkPayload): Promise<SinkReceipt> {
  const secrets = [payload.value, ...(payload.redactAlso ?? [])];
  return new Promise((done, fail) => {
    const child = spawn(sink.executable, sink.argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], shell: false, env: process.env, windowsHide: true });
    const out: Buffer[] = [];
    let size = 0;
    const keep = (b: Buffer): void => {
      if (size < MAX_OUTPUT) out.push(b);
      size += b.length;
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGTERM'), COMMAND_TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      fail(messages.createError('error.CommandFailed', [sink.command, redact(e.message, secrets), '']));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const output = redact(Buffer.concat(out).toString('utf8').slice(0, MAX_OUTPUT), secrets).trimEnd();
      if (code === 0) return done({ kind: 'command', command: sink.command, exitCode: 0, ...(output ? { output } : {}) });
      const why = signal ? `it was stopped by ${signal}${signal === 'SIGTERM' ? ` after ${COMMAND_TIMEOUT_MS / 1000} seconds` : ''}` : `it exited with ${String(code)}`;
      fail(messages.createError('error.CommandFailed', [sink.command, why, output ? `\n${output}` : '']));
    });
    // the value on standard input only; a command that does not read it gets EPIPE, which is not the value's problem
    child.stdin.on('error', () => undefined);
    child.stdin.end(payload.value);
  });
}

/** A path as the user should read it: relative to the folder they work in when inside it. */
export function shownPath(path: string, cwd: string = process.cwd()): string {
  const r = relative(cwd, resolve(cwd, path));
  return r && !r.startsWith('..') && !isAbsolute(r) ? r : resolve(cwd, path);
}
