/**
 * Side by side, in one run (issue 17): reading an org of N apps with `sf eca list` and
 * `sf eca policy check -o` against the official `sf project retrieve start -m <the same types>
 * --target-metadata-dir` from the same org; the local policy check of the same number of apps
 * against `sf project convert source` on the same files; peak RSS of each, and its growth over
 * `sf eca list --help`.
 *
 * The plugin runs as users get it: the built package (lib, messages, schemas, manifest) installed
 * with its production dependencies only (`npm ci --omit=dev`, from npm's cache), registered as a
 * user plugin of the real `sf` from devDependencies. A linked checkout would be transpiled by tsx
 * at run time and share the CLI's copy of @salesforce/core; BENCH_PLUGIN=link measures that instead.
 *
 * Commands run in turn (official, ours, ours, official, ...) after one warm-up each; each figure
 * is the median, and each ratio the median of the ratios of a round (so a machine that slows
 * down between rounds does not bias it). Wall time is the goal's measure; CPU (user + sys) is
 * printed too, as it is steadier on a shared machine.
 *
 *   BENCH_ROUNDS=5         rounds of each comparison
 *   BENCH_PLUGIN=install   install (default) or link
 *   BENCH_PLUGIN_FROM=<dir> install the plugin built in another checkout (a before/after comparison)
 *   BENCH_CPU_PROF=<dir>   also write a CPU profile of one run of each command there and print its
 *                          top self-time and total-time entries
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { CONNECTED_APP, ECA_COMPONENTS, componentByType, sourceFilePath } from '../src/domain/components.js';
import { typeSpec } from '../src/domain/schema/index.js';
import { serializeMetadataXml } from '../src/domain/xml.js';
import type { OrgSeed } from '../simulator/seed.js';
import type { Simulator } from '../simulator/server.js';
import { writeAuthFiles } from '../test/helpers/cliAuth.js';
import { ROOT } from '../test/helpers/paths.js';

export type OrgReadBenchOptions = {
  sim: Simulator;
  /** a simulator org already seeded with `apps` apps (bench/run.ts seeds b<N>) */
  alias: string;
  apps: number;
  /** the same number of apps as components, written as a source project for the local check */
  local: OrgSeed['components'];
  latencyMs: number;
};

type Run = { wallMs: number; cpuMs: number; rssMb: number; status: number | null; stdout: string; stderr: string };

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const PLUGIN = process.env.BENCH_PLUGIN === 'link' ? 'link' : 'install';
const PROFILE_DIR = process.env.BENCH_CPU_PROF;
const PLUGIN_FROM = process.env.BENCH_PLUGIN_FROM ?? ROOT;
const SF_RUN = join(ROOT, 'node_modules', '@salesforce', 'cli', 'bin', 'run.js');

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const mb = (x: number): string => `${x.toFixed(0)} MB`;

/** The package as `npm install` would lay it out: its files and production dependencies only. */
function installPlugin(): string {
  const dir = mkdtempSync(join(tmpdir(), 'eca-bench-plugin-'));
  for (const f of ['package.json', 'package-lock.json', 'oclif.manifest.json', 'lib', 'messages', 'schemas']) cpSync(join(PLUGIN_FROM, f), join(dir, f), { recursive: true });
  execFileSync('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], { cwd: dir, stdio: 'ignore' });
  return dir;
}

/** A CLI home where `sf` has the plugin (installed as a user plugin, or linked) and a login to the org. */
function sfHome(sim: Simulator, alias: string, pluginDir: string): { home: string; env: NodeJS.ProcessEnv } {
  const home = mkdtempSync(join(tmpdir(), 'eca-bench-sf-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${join(ROOT, 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}`,
    HOME: home,
    USERPROFILE: home,
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
    SF_DISABLE_TELEMETRY: 'true',
    SF_AUTOUPDATE_DISABLE: 'true',
    SF_DISABLE_AUTOUPDATE: 'true',
    SF_SKIP_NEW_VERSION_CHECK: 'true',
    SF_DISABLE_LOG_FILE: 'true',
    ...(sim.caCertPath ? { NODE_EXTRA_CA_CERTS: sim.caCertPath } : {}),
  };
  mkdirSync(join(home, '.sfdx'), { recursive: true });
  mkdirSync(join(home, '.sf'), { recursive: true });
  const data = join(home, '.local', 'share', 'sf');
  mkdirSync(join(data, 'node_modules'), { recursive: true });
  const entry = PLUGIN === 'link' ? { name: 'plugin-eca', root: ROOT, type: 'link' } : { name: 'plugin-eca', type: 'user', tag: `file:${pluginDir}` };
  writeFileSync(join(data, 'package.json'), JSON.stringify({ name: '@salesforce/cli', private: true, dependencies: PLUGIN === 'link' ? {} : { 'plugin-eca': `file:${pluginDir}` }, oclif: { schema: 1, plugins: [entry] } }, null, 2));
  if (PLUGIN !== 'link') symlinkSync(pluginDir, join(data, 'node_modules', 'plugin-eca'), 'dir');
  writeAuthFiles({ dir: home, env: {} }, sim, alias);
  return { home, env };
}

/** Runs sf without blocking the event loop (the simulator lives in this process). */
async function sf(args: string[], env: NodeJS.ProcessEnv, cwd: string, profileDir?: string): Promise<Run> {
  const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const start = performance.now();
  const child = spawn('/usr/bin/time', ['-f', 'TIME %U %S %M', process.execPath, ...nodeArgs, SF_RUN, ...args], { env, cwd });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const wallMs = performance.now() - start;
  const t = /TIME ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(stderr);
  return { wallMs, cpuMs: t ? (Number(t[1]) + Number(t[2])) * 1000 : Number.NaN, rssMb: t ? Number(t[3]) / 1024 : Number.NaN, status, stdout, stderr };
}

function check(run: Run, what: string, okStatus = [0]): Run {
  if (!okStatus.includes(run.status ?? -1)) throw new Error(`${what} exited ${String(run.status)}:\n${run.stdout.slice(0, 2000)}\n${run.stderr.slice(-2000)}`);
  return run;
}

type Series = { runs: Run[] };
const summary = (s: Series): { wall: number; cpu: number; rss: number } => ({
  wall: median(s.runs.map((r) => r.wallMs)),
  cpu: median(s.runs.map((r) => r.cpuMs)),
  rss: median(s.runs.map((r) => r.rssMb)),
});
/** Median of the ratios round by round, with their range. */
const ratio = (a: Series, b: Series, key: 'wallMs' | 'cpuMs' | 'rssMb'): string => {
  const rs = a.runs.map((r, i) => r[key] / b.runs[i][key]);
  return `${median(rs).toFixed(2)} (${Math.min(...rs).toFixed(2)}–${Math.max(...rs).toFixed(2)})`;
};

function table(title: string, header: string[], rows: Array<Array<string | number>>): void {
  console.log(`\n### ${title}\n`);
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
}

/** Top self-time and total-time entries of a CPU profile (the largest in the folder: the main thread). */
export function profileTop(dir: string, n = 12): string[] {
  const file = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).size - statSync(a).size)[0];
  type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
  const p = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const parent = new Map<number, number>();
  for (const x of p.nodes) for (const c of x.children ?? []) parent.set(c, x.id);
  const name = (x: Node): string =>
    `${x.callFrame.functionName || '(anonymous)'} ${x.callFrame.url.replace(/^file:\/\//, '').replace(/.*node_modules\//, '').replace(`${ROOT}/`, '')}${x.callFrame.url ? `:${x.callFrame.lineNumber + 1}` : ''}`;
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let all = 0;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    all += dt;
    const leaf = byId.get(id) as Node;
    self.set(name(leaf), (self.get(name(leaf)) ?? 0) + dt);
    const seen = new Set<string>();
    for (let c: number | undefined = id; c !== undefined; c = parent.get(c)) {
      const k = name(byId.get(c) as Node);
      // total time by the code users and libraries wrote: not node's module loader or natives
      if (seen.has(k) || !(byId.get(c) as Node).callFrame.url || (byId.get(c) as Node).callFrame.url.startsWith('node:')) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + dt);
    }
  });
  const top = (m: Map<string, number>): string[] =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, t]) => `  ${(t / 1000).toFixed(0).padStart(6)} ms ${((100 * t) / all).toFixed(1).padStart(5)}%  ${k}`);
  return [`  profile ${(all / 1000).toFixed(0)} ms`, '  self time:', ...top(self), '  total time:', ...top(total)];
}

export async function orgReadBench(o: OrgReadBenchOptions): Promise<void> {
  const pluginDir = PLUGIN === 'link' ? ROOT : installPlugin();
  const { home, env } = sfHome(o.sim, o.alias, pluginDir);
  const project = mkdtempSync(join(tmpdir(), 'eca-bench-local-'));
  try {
    const types = [...ECA_COMPONENTS.map((c) => c.type).filter((t) => (typeSpec(t)?.since ?? Infinity) <= 66), CONNECTED_APP.type];
    const target = join(home, 'retrieved');
    const official = ['project', 'retrieve', 'start', '-m', ...types, '--target-metadata-dir', target, '-o', o.alias, '--json'];
    const list = ['eca', 'list', '-o', o.alias, '--json'];
    const policy = ['eca', 'policy', 'check', '-o', o.alias, '--fail-on', 'none', '--json'];
    const runOfficial = async (profileDir?: string): Promise<Run> => {
      rmSync(target, { recursive: true, force: true });
      return check(await sf(official, env, home, profileDir), 'sf project retrieve start');
    };
    const runOurs = async (args: string[], profileDir?: string): Promise<Run> => check(await sf(args, env, home, profileDir), `sf ${args.join(' ')}`);

    // start-up baseline for memory growth, and the warm-up of oclif's caches
    const help: Series = { runs: [] };
    const officialHelp: Series = { runs: [] };
    for (let i = 0; i < 3; i++) {
      help.runs.push(check(await sf(['eca', 'list', '--help'], env, home), 'sf eca list --help'));
      officialHelp.runs.push(check(await sf(['project', 'retrieve', 'start', '--help'], env, home), 'sf project retrieve start --help'));
    }

    o.sim.faults.set({ latencyMs: o.latencyMs });
    await runOfficial();
    o.sim.resetLog();
    const listed = await runOurs(list);
    const listRequests = o.sim.count();
    const found = (JSON.parse(listed.stdout) as { result: { apps: unknown[] } }).result.apps.length;
    if (found < o.apps) throw new Error(`sf eca list found ${found} apps in ${o.alias}, expected ${o.apps}`);
    await runOurs(policy);
    const byName = { official: { runs: [] } as Series, list: { runs: [] } as Series, policy: { runs: [] } as Series };
    for (let i = 0; i < ROUNDS; i++) {
      // alternate who goes first, so neither always runs on a warmer or cooler machine
      if (i % 2 === 0) {
        byName.official.runs.push(await runOfficial());
        byName.list.runs.push(await runOurs(list));
        byName.policy.runs.push(await runOurs(policy));
      } else {
        byName.policy.runs.push(await runOurs(policy));
        byName.list.runs.push(await runOurs(list));
        byName.official.runs.push(await runOfficial());
      }
    }
    o.sim.faults.set({});

    // the local check: the same number of apps as source files
    writeFileSync(join(project, 'sfdx-project.json'), JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '66.0' }));
    for (const c of o.local ?? []) {
      const kind = componentByType(c.type);
      if (!kind) continue;
      const file = join(project, 'force-app', 'main', 'default', sourceFilePath(kind, c.fullName));
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, serializeMetadataXml(c.type, c.values));
    }
    const localCheck = ['eca', 'policy', 'check', '--source-dir', 'force-app', '--fail-on', 'none', '--json'];
    let outputs = 0;
    const runConvert = async (profileDir?: string): Promise<Run> => {
      // a new folder each time, as a user converts into; the previous one is removed untimed
      rmSync(join(project, `mdapi-${outputs}`), { recursive: true, force: true });
      const convert = ['project', 'convert', 'source', '--source-dir', 'force-app', '--output-dir', `mdapi-${++outputs}`, '--json'];
      return check(await sf(convert, env, project, profileDir), 'sf project convert source');
    };
    const runLocal = async (profileDir?: string): Promise<Run> => check(await sf(localCheck, env, project, profileDir), 'sf eca policy check --source-dir');
    await runConvert();
    await runLocal();
    const local = { convert: { runs: [] } as Series, check: { runs: [] } as Series };
    for (let i = 0; i < ROUNDS; i++) {
      if (i % 2 === 0) {
        local.convert.runs.push(await runConvert());
        local.check.runs.push(await runLocal());
      } else {
        local.check.runs.push(await runLocal());
        local.convert.runs.push(await runConvert());
      }
    }

    const h = summary(help);
    const s = { official: summary(byName.official), list: summary(byName.list), policy: summary(byName.policy), convert: summary(local.convert), check: summary(local.check) };
    const pluginNote = PLUGIN === 'link' ? 'plugin linked (tsx)' : 'plugin installed (npm ci --omit=dev)';
    table(
      `Side by side: reading an org of ${o.apps} apps, ${o.latencyMs} ms latency (${pluginNote}; medians of ${ROUNDS} rounds)`,
      ['command', 'wall time', 'CPU', 'peak RSS', 'wall ratio (range)', 'CPU ratio (range)', 'goal'],
      [
        [`sf project retrieve start -m <${types.length} types> --target-metadata-dir`, secs(s.official.wall), secs(s.official.cpu), mb(s.official.rss), '1.00', '1.00', ''],
        [`sf eca list --json (${listRequests} requests)`, secs(s.list.wall), secs(s.list.cpu), mb(s.list.rss), ratio(byName.list, byName.official, 'wallMs'), ratio(byName.list, byName.official, 'cpuMs'), '≤ 1.00'],
        ['sf eca policy check -o --json', secs(s.policy.wall), secs(s.policy.cpu), mb(s.policy.rss), ratio(byName.policy, byName.official, 'wallMs'), ratio(byName.policy, byName.official, 'cpuMs'), '≤ 1.00'],
      ]
    );
    table(`Side by side: local check of ${o.apps} apps (${(o.local ?? []).length} files; medians of ${ROUNDS} rounds)`, ['command', 'wall time', 'CPU', 'peak RSS', 'wall ratio (range)', 'CPU ratio (range)', 'goal'], [
      ['sf project convert source (same files)', secs(s.convert.wall), secs(s.convert.cpu), mb(s.convert.rss), '1.00', '1.00', ''],
      ['sf eca policy check --source-dir --json', secs(s.check.wall), secs(s.check.cpu), mb(s.check.rss), ratio(local.check, local.convert, 'wallMs'), ratio(local.check, local.convert, 'cpuMs'), '≤ 0.30'],
    ]);
    const per = (rss: number): string => mb(((rss - h.rss) * 1000) / o.apps);
    const oh = summary(officialHelp);
    table(`Peak RSS growth over \`sf eca list --help\` (${mb(h.rss)}), per 1,000 apps`, ['command', 'peak RSS', 'growth per 1,000 apps', 'goal'], [
      [`sf project retrieve start, for comparison (over its own --help, ${mb(oh.rss)})`, mb(s.official.rss), mb(((s.official.rss - oh.rss) * 1000) / o.apps), ''],
      ['sf eca list', mb(s.list.rss), per(s.list.rss), '≤ 30 MB'],
      ['sf eca policy check -o', mb(s.policy.rss), per(s.policy.rss), '≤ 30 MB'],
      ['sf eca policy check --source-dir', mb(s.check.rss), per(s.check.rss), '≤ 30 MB'],
    ]);

    if (PROFILE_DIR) {
      o.sim.faults.set({ latencyMs: o.latencyMs });
      const runs: Array<[string, (dir: string) => Promise<Run>]> = [
        ['sf project retrieve start', runOfficial],
        ['sf eca list', (d) => runOurs(list, d)],
        ['sf eca policy check -o', (d) => runOurs(policy, d)],
        ['sf project convert source', runConvert],
        ['sf eca policy check --source-dir', runLocal],
      ];
      for (const [what, run] of runs) {
        const dir = join(PROFILE_DIR, what.replace(/\W+/g, '-'));
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
        await run(dir);
        console.log(`\n#### CPU profile: ${what}\n\n\`\`\`\n${profileTop(dir).join('\n')}\n\`\`\``);
      }
      o.sim.faults.set({});
    }
  } finally {
    o.sim.faults.set({});
    rmSync(project, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
    if (pluginDir !== ROOT) rmSync(pluginDir, { recursive: true, force: true });
  }
}
