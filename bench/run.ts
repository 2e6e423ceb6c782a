/**
 * npm run bench: speed, round trips and start-up of the plugin's commands, measured, never asserted
 * by a test. One module per measurement; each prints markdown tables, and README records the figures.
 *
 *   BENCH_ONLY=startup npm run bench       only some sections: org, local, startup (comma-separated)
 *   BENCH_LATENCY_MS=50  BENCH_SIZES=10,100,1000   org reads against the simulator
 *   BENCH_STARTUP_RUNS=9  BENCH_STARTUP_WARMUPS=2  BENCH_STARTUP_LINKED=0   start-up pairs
 */
import { spawnSync } from 'node:child_process';
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

async function main(): Promise<void> {
  // the built plugin must exist; say so rather than print nonsense
  if (spawnSync(process.execPath, [BIN, '--version']).status !== 0) throw new Error('build the plugin first: npm run build');
  console.log(`# plugin-eca benchmarks (${new Date().toISOString().slice(0, 10)}, ${LATENCY_MS} ms latency per request, Node ${process.versions.node})`);
  if (SECTIONS.has('org')) await orgReads({ latencyMs: LATENCY_MS, sizes: SIZES });
  if (SECTIONS.has('local')) await localCheck({ n: Math.max(...SIZES) });
  if (SECTIONS.has('startup')) await startup({ runs: STARTUP_RUNS, warmups: STARTUP_WARMUPS, linked: STARTUP_LINKED });
}

await main();
