/**
 * Timing for npm run bench: whole processes, measured from outside by the kernel's own accounting
 * (GNU time: user and system CPU seconds, peak RSS), never inside the process being measured.
 */
import { spawn } from 'node:child_process';
import { ROOT } from '../../test/helpers/paths.js';

export type Run = {
  /** wall time, milliseconds */
  ms: number;
  /** user + system CPU, milliseconds (the kernel's accounting, 10 ms resolution) */
  cpuMs: number;
  status: number | null;
  maxRssMb?: number;
  stdout: string;
  stderr: string;
};

const TIME_FORMAT = '__bench %U %S %M';

/** Runs a command without blocking the event loop (the simulator may live in this process). */
export async function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd = ROOT): Promise<Run> {
  const start = performance.now();
  const child = spawn('/usr/bin/time', ['-f', TIME_FORMAT, cmd, ...args], { env, cwd });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const ms = performance.now() - start;
  const m = /__bench (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+)\s*$/.exec(stderr);
  if (!m) throw new Error(`no CPU figures from /usr/bin/time for ${cmd} ${args.join(' ')}:\n${stderr}`);
  return {
    ms,
    cpuMs: (Number(m[1]) + Number(m[2])) * 1000,
    status,
    maxRssMb: Number(m[3]) / 1024,
    stdout,
    stderr: stderr.slice(0, m.index),
  };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export type Command = { label: string; cmd: string; args: string[]; env: NodeJS.ProcessEnv; cwd?: string; check: (r: Run) => string | undefined };

export type Paired = {
  a: Command;
  b: Command;
  runs: number;
  cpuA: number;
  cpuB: number;
  wallA: number;
  wallB: number;
  /** median of the per-pair CPU ratios a/b, and their range */
  ratio: number;
  ratioMin: number;
  ratioMax: number;
};

/**
 * A and B in turn (A B A B ...), after warm-up runs of each that are not counted; the ratio is taken
 * pair by pair, so that the machine's drifting speed (2 cores shared with others) cancels out.
 * Every run is checked: a command that did not do what it should (the plugin missing, a wrong exit
 * code) throws rather than giving a flattering figure.
 */
export async function paired(a: Command, b: Command, runs: number, warmups: number): Promise<Paired> {
  const once = async (c: Command): Promise<Run> => {
    const r = await timed(c.cmd, c.args, c.env, c.cwd);
    const problem = c.check(r);
    if (problem) throw new Error(`${c.label}: ${problem}\nexit ${r.status}\nstdout: ${r.stdout.slice(0, 800)}\nstderr: ${r.stderr.slice(0, 800)}`);
    return r;
  };
  for (let i = 0; i < warmups; i++) {
    await once(a);
    await once(b);
  }
  const ra: Run[] = [];
  const rb: Run[] = [];
  for (let i = 0; i < runs; i++) {
    ra.push(await once(a));
    rb.push(await once(b));
  }
  const ratios = ra.map((r, i) => r.cpuMs / rb[i].cpuMs);
  return {
    a,
    b,
    runs,
    cpuA: median(ra.map((r) => r.cpuMs)),
    cpuB: median(rb.map((r) => r.cpuMs)),
    wallA: median(ra.map((r) => r.ms)),
    wallB: median(rb.map((r) => r.ms)),
    ratio: median(ratios),
    ratioMin: Math.min(...ratios),
    ratioMax: Math.max(...ratios),
  };
}

export function table(title: string, header: string[], rows: Array<Array<string | number>>): void {
  console.log(`\n### ${title}\n`);
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
}

export const fmt = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
