/**
 * npm run bench: speed and round trips of the plugin's commands, measured, never asserted by a
 * test. Runs the built plugin (./bin/run.js, as users of bin/run.js do, and linked into the real
 * sf for start-up) against the org simulator with 50 ms latency on every request.
 *
 * Prints one markdown table per measurement; README records the figures.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEca } from '../src/domain/build.js';
import { componentByType, sourceFilePath } from '../src/domain/components.js';
import { ecaComponents } from '../src/domain/model.js';
import { serializeMetadataXml } from '../src/domain/xml.js';
import type { OrgSeed } from '../simulator/seed.js';
import { startSimulator, type Simulator } from '../simulator/server.js';
import { createCliHome, loginOrg, removeCliHome, useCliHome } from '../test/helpers/cliAuth.js';
import { BIN, ROOT } from '../test/helpers/paths.js';
import { SfCli } from '../test/helpers/sfCli.js';
import { orgReadBench } from './orgRead.js';

const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50);
const SIZES = (process.env.BENCH_SIZES ?? '10,100,1000').split(',').map(Number);
const STARTUP_RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 5);

type Run = { ms: number; status: number | null; maxRssMb?: number; stderr: string };

/** Runs a command without blocking the event loop (the simulator lives in this process). */
async function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd = ROOT): Promise<Run> {
  const start = performance.now();
  const child = spawn('/usr/bin/time', ['-f', '%M', cmd, ...args], { env, cwd });
  let stderr = '';
  child.stdout.resume();
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const ms = performance.now() - start;
  const rss = /(\d+)\s*$/.exec(stderr.trim());
  return { ms, status, maxRssMb: rss ? Number(rss[1]) / 1024 : undefined, stderr };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function apps(n: number, prefix: string): OrgSeed['components'] {
  const out: NonNullable<OrgSeed['components']> = [];
  for (let i = 0; i < n; i++) {
    const { eca } = buildEca({
      name: `${prefix}_${String(i).padStart(4, '0')}`,
      contactEmail: 'bench@acme.example',
      apiVersion: 66,
      template: i % 2 ? 'server-to-server' : 'web-app',
      runAs: 'integration@bench.acme.example',
      callbackUrls: ['https://app.acme.example/cb'],
      ipRelaxation: i % 7 === 0 ? 'Bypass' : 'Enforce',
    });
    for (const c of ecaComponents(eca)) out.push({ type: c.type, fullName: c.fullName, values: c.values });
  }
  return out;
}

function orgSeed(alias: string, n: number): OrgSeed {
  return {
    alias,
    users: [
      { username: `admin@${alias}.bench.acme.example`, firstName: 'Bench', lastName: 'Admin', profile: 'System Administrator' },
      { username: 'integration@bench.acme.example', lastName: 'Integration', profile: 'Minimum Access - API Only Integrations', apiOnly: true },
    ],
    components: apps(n, 'Bench'),
  };
}

function table(title: string, header: string[], rows: Array<Array<string | number>>): void {
  console.log(`\n### ${title}\n`);
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
}

const fmt = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const sim: Simulator = await startSimulator({ orgs: [] });
  for (const n of SIZES) sim.addOrg(orgSeed(`b${n}`, n));
  sim.addOrg({ alias: 'create', users: [{ username: 'admin@create.bench.acme.example', lastName: 'Admin', profile: 'System Administrator' }, { username: 'integration@bench.acme.example', lastName: 'Integration', profile: 'Minimum Access - API Only Integrations', apiOnly: true }] });
  const home = createCliHome(sim);
  const restore = useCliHome(home, sim);
  for (const n of SIZES) await loginOrg(home, sim, `b${n}`);
  await loginOrg(home, sim, 'create');
  restore();
  const env: NodeJS.ProcessEnv = { ...process.env, ...home.env, NODE_EXTRA_CA_CERTS: sim.caCertPath, SF_DISABLE_LOG_FILE: 'true' };
  const node = process.execPath;
  sim.faults.set({ latencyMs: LATENCY_MS });

  console.log(`# plugin-eca benchmarks (${new Date().toISOString().slice(0, 10)}, ${LATENCY_MS} ms latency per request, Node ${process.versions.node})`);

  // create: round trips and wall time
  sim.resetLog();
  const create = await timed(node, [BIN, 'eca', 'create', '--name', 'Bench_Create', '--template', 'server-to-server', '--run-as', 'integration@bench.acme.example', '--contact-email', 'b@acme.example', '-o', 'create', '--json'], env);
  table('sf eca create', ['requests', 'of which SOAP', 'wall time', 'exit'], [[sim.count(), sim.count('soap:*'), fmt(create.ms), String(create.status)]]);

  // list and org policy check: round trips must not grow with the number of apps
  const listRows: Array<Array<string | number>> = [];
  const checkRows: Array<Array<string | number>> = [];
  for (const n of SIZES) {
    sim.resetLog();
    const list = await timed(node, [BIN, 'eca', 'list', '-o', `b${n}`, '--json'], env);
    listRows.push([n, sim.count(), sim.count('soap:retrieve'), sim.count('soap:checkRetrieveStatus'), sim.count('rest:query'), fmt(list.ms), `${list.maxRssMb?.toFixed(0)} MB`]);
    sim.resetLog();
    const check = await timed(node, [BIN, 'eca', 'policy', 'check', '-o', `b${n}`, '--fail-on', 'none', '--json'], env);
    checkRows.push([n, sim.count(), sim.count('soap:retrieve'), sim.count('rest:query'), fmt(check.ms), `${check.maxRssMb?.toFixed(0)} MB`, String(check.status)]);
  }
  table('sf eca list (org with N apps)', ['apps', 'requests', 'retrieve', 'retrieve polls', 'queries', 'wall time', 'peak RSS'], listRows);
  table('sf eca policy check --target-org (org with N apps)', ['apps', 'requests', 'retrieve', 'queries', 'wall time', 'peak RSS', 'exit'], checkRows);
  sim.faults.set({});
  await orgReadBench({ sim, alias: `b${Math.max(...SIZES)}`, apps: Math.max(...SIZES), local: apps(Math.max(...SIZES), 'Local'), latencyMs: LATENCY_MS });

  // local policy check of 1,000 apps against `sf project convert source` reading the same files
  const n = Math.max(...SIZES);
  const project = mkdtempSync(join(tmpdir(), 'eca-bench-src-'));
  writeFileSync(join(project, 'sfdx-project.json'), JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '66.0' }));
  for (const c of apps(n, 'Local') ?? []) {
    const kind = componentByType(c.type);
    if (!kind) continue;
    const file = join(project, 'force-app', 'main', 'default', sourceFilePath(kind, c.fullName));
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, serializeMetadataXml(c.type, c.values));
  }
  const sf = SfCli.link();
  const sfBin = join(ROOT, 'node_modules', '.bin', 'sf');
  const local = await timed(node, [BIN, 'eca', 'policy', 'check', '--source-dir', 'force-app', '--fail-on', 'none', '--json'], env, project);
  const convert = await timed(sfBin, ['project', 'convert', 'source', '--source-dir', 'force-app', '--output-dir', join(project, 'mdapi'), '--json'], sf.env, project);
  table(`Local check of ${n} apps (${n * 5} files)`, ['command', 'wall time', 'peak RSS', 'exit'], [
    ['sf eca policy check --source-dir', fmt(local.ms), `${local.maxRssMb?.toFixed(0)} MB`, String(local.status)],
    ['sf project convert source (same files)', fmt(convert.ms), `${convert.maxRssMb?.toFixed(0)} MB`, String(convert.status)],
    ['ratio (policy check / convert)', (local.ms / convert.ms).toFixed(2), ((local.maxRssMb ?? 0) / (convert.maxRssMb ?? 1)).toFixed(2), ''],
  ]);

  // start-up: sf eca list --help against sf org display --help in the same linked sf
  const ours: number[] = [];
  const theirs: number[] = [];
  // the first runs after a link fill oclif's caches: warm both up before measuring
  for (let i = 0; i < 2; i++) {
    await timed(sfBin, ['eca', 'list', '--help'], sf.env, sf.home);
    await timed(sfBin, ['org', 'display', '--help'], sf.env, sf.home);
  }
  for (let i = 0; i < STARTUP_RUNS; i++) {
    ours.push((await timed(sfBin, ['eca', 'list', '--help'], sf.env, sf.home)).ms);
    theirs.push((await timed(sfBin, ['org', 'display', '--help'], sf.env, sf.home)).ms);
  }
  table(`Start-up (median of ${STARTUP_RUNS}, after 2 warm-up runs each)`, ['command', 'wall time'], [
    ['sf eca list --help', fmt(median(ours))],
    ['sf org display --help', fmt(median(theirs))],
    ['ratio', (median(ours) / median(theirs)).toFixed(2)],
  ]);

  sf.dispose();
  rmSync(project, { recursive: true, force: true });
  removeCliHome(home);
  await sim.close();
  // the built plugin must exist; say so rather than print nonsense
  if (spawnSync(node, [BIN, '--version']).status !== 0) throw new Error('build the plugin first: npm run build');
}

await main();
