/**
 * npm run bench: speed, round trips and start-up of the plugin's commands, measured, never asserted
 * by a test. One module per measurement; each prints markdown tables, and README records the figures.
 *
 *   BENCH_ONLY=startup npm run bench       only some sections: org, local, startup (comma-separated)
 *   BENCH_LATENCY_MS=50  BENCH_SIZES=10,100,1000   org reads against the simulator
 *   BENCH_STARTUP_RUNS=9  BENCH_STARTUP_WARMUPS=2  BENCH_STARTUP_LINKED=0   start-up pairs
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { BIN } from '../test/helpers/paths.js';
import { localCheck } from './localCheck.js';
import { orgReads } from './orgReads.js';
import { startup } from './startup.js';

const SECTIONS = new Set((process.env.BENCH_ONLY ?? 'org,local,startup').split(',').map((s) => s.trim()));
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const SIZES = (process.env.BENCH_SIZES ?? '10,100,1000').split(',').map(Number);
const STARTUP_RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 9);
const STARTUP_WARMUPS = Number(process.env.BENCH_STARTUP_WARMUPS ?? 2);
const STARTUP_LINKED = process.env.BENCH_STARTUP_LINKED !== '0';

/**
 * Every figure comes from GNU time (/usr/bin/time: CPU and peak RSS of a whole process), which a
 * fresh Debian machine may not have: installed as .ci/run installs Chromium (apt-get, as root or
 * through sudo without a password), or a clear error.
 */
function ensureGnuTime(): void {
  if (existsSync('/usr/bin/time')) return;
  const asRoot = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  const apt = (args: string[]): boolean =>
    spawnSync(asRoot[0] ?? 'apt-get', [...asRoot.slice(1), ...(asRoot.length ? ['apt-get'] : []), ...args], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
  if (apt(['update', '-qq']) && apt(['install', '-y', '-qq', '--no-install-recommends', 'time']) && existsSync('/usr/bin/time')) return;
  throw new Error('npm run bench measures every command with GNU time (/usr/bin/time), which is missing and could not be installed: apt-get install time');
}

async function main(): Promise<void> {
  ensureGnuTime();
  // the built plugin must exist; say so rather than print nonsense
  if (spawnSync(process.execPath, [BIN, '--version']).status !== 0) throw new Error('build the plugin first: npm run build');
  console.log(`# plugin-eca benchmarks (${new Date().toISOString().slice(0, 10)}, ${LATENCY_MS} ms latency per request, Node ${process.versions.node})`);
  if (SECTIONS.has('org')) await orgReads({ latencyMs: LATENCY_MS, sizes: SIZES });
  if (SECTIONS.has('local')) await localCheck({ n: Math.max(...SIZES) });
  if (SECTIONS.has('startup')) await startup({ runs: STARTUP_RUNS, warmups: STARTUP_WARMUPS, linked: STARTUP_LINKED });
}

await main();
