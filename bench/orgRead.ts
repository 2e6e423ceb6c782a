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
import { execFileSync } from 'node:child_process';
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
import { timed } from './lib/measure.js';

export type OrgReadBenchOptions = {
  sim: Simulator;
  /** a simulator org already seeded with `apps` apps (bench/run.ts seeds b<N>) */
  alias: string;
  apps: number;
  /** the same number of apps as components, written as a source project for the local check */
  local: OrgSeed['components'];
  /** the org's own apps as components: the source folder `sf eca diff --source-dir` compares with it */
  orgApps: OrgSeed['components'];
  /** a small org of the same apps (b10), for growth per app: peak RSS at N apps less peak RSS there */
  small?: { alias: string; apps: number; orgApps: OrgSeed['components']; local: OrgSeed['components'] };
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
function sfHome(sim: Simulator, aliases: readonly string[], pluginDir: string): { home: string; env: NodeJS.ProcessEnv } {
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
  for (const alias of aliases) writeAuthFiles({ dir: home, env: {} }, sim, alias);
  return { home, env };
}

/** Runs sf without blocking the event loop (the simulator lives in this process), measured by GNU time (./lib/measure.ts). */
async function sf(args: string[], env: NodeJS.ProcessEnv, cwd: string, profileDir?: string): Promise<Run> {
  const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const r = await timed(process.execPath, [...nodeArgs, SF_RUN, ...args], env, cwd);
  return { wallMs: r.ms, cpuMs: r.cpuMs, rssMb: r.maxRssMb ?? Number.NaN, status: r.status, stdout: r.stdout, stderr: r.stderr };
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

/** A Salesforce DX project holding these components in source format. */
function writeSourceProject(dir: string, components: OrgSeed['components']): void {
  writeFileSync(join(dir, 'sfdx-project.json'), JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '66.0' }));
  for (const c of components ?? []) {
    const kind = componentByType(c.type);
    if (!kind) continue;
    const file = join(dir, 'force-app', 'main', 'default', sourceFilePath(kind, c.fullName));
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, serializeMetadataXml(c.type, c.values));
  }
}

/** One of our commands in the comparison: its arguments for an org (and the folders made for it), its accepted exits. */
type Ours = { name: string; args: (alias: string, dirs: Dirs) => string[]; ok: number[] };
type Dirs = { home: string; diffProject: string };

const OURS: Ours[] = [
  { name: 'sf eca list --json', args: (a) => ['eca', 'list', '-o', a, '--json'], ok: [0] },
  { name: 'sf eca policy check -o --json', args: (a) => ['eca', 'policy', 'check', '-o', a, '--fail-on', 'none', '--json'], ok: [0] },
  { name: 'sf eca report -o --format json', args: (a, d) => ['eca', 'report', '-o', a, '--format', 'json', '--output-file', join(d.home, `report-${a}.json`), '--json'], ok: [0] },
  // a pipeline's drift gate: the repository's apps against the org's (exit 1 when they differ)
  { name: 'sf eca diff --source-dir -o --json', args: (a, d) => ['eca', 'diff', '--source-dir', join(d.diffProject, 'force-app'), '-o', a, '--json'], ok: [0, 1] },
];

export async function orgReadBench(o: OrgReadBenchOptions): Promise<void> {
  const pluginDir = PLUGIN === 'link' ? ROOT : installPlugin();
  const { home, env } = sfHome(o.sim, [o.alias, ...(o.small ? [o.small.alias] : [])], pluginDir);
  const project = mkdtempSync(join(tmpdir(), 'eca-bench-local-'));
  const smallProject = mkdtempSync(join(tmpdir(), 'eca-bench-local-small-'));
  const diffProjects = { [o.alias]: mkdtempSync(join(tmpdir(), 'eca-bench-diff-')), ...(o.small ? { [o.small.alias]: mkdtempSync(join(tmpdir(), 'eca-bench-diff-small-')) } : {}) };
  try {
    const types = [...ECA_COMPONENTS.map((c) => c.type).filter((t) => (typeSpec(t)?.since ?? Infinity) <= 66), CONNECTED_APP.type];
    writeSourceProject(diffProjects[o.alias], o.orgApps);
    if (o.small) writeSourceProject(diffProjects[o.small.alias], o.small.orgApps);
    const target = join(home, 'retrieved');
    const official = (alias: string): string[] => ['project', 'retrieve', 'start', '-m', ...types, '--target-metadata-dir', target, '-o', alias, '--json'];
    const runOfficial = async (alias = o.alias, profileDir?: string): Promise<Run> => {
      rmSync(target, { recursive: true, force: true });
      return check(await sf(official(alias), env, home, profileDir), 'sf project retrieve start');
    };
    const runOurs = async (c: Ours, alias = o.alias, profileDir?: string): Promise<Run> => {
      const args = c.args(alias, { home, diffProject: diffProjects[alias] });
      return check(await sf(args, env, home, profileDir), `sf ${args.join(' ')}`, c.ok);
    };

    // start-up baseline for memory growth, and the warm-up of oclif's caches
    const help: Series = { runs: [] };
    const officialHelp: Series = { runs: [] };
    for (let i = 0; i < 3; i++) {
      help.runs.push(check(await sf(['eca', 'list', '--help'], env, home), 'sf eca list --help'));
      officialHelp.runs.push(check(await sf(['project', 'retrieve', 'start', '--help'], env, home), 'sf project retrieve start --help'));
    }

    o.sim.faults.set({ latencyMs: o.latencyMs });
    await runOfficial();
    const requests: number[] = [];
    for (const c of OURS) {
      o.sim.resetLog();
      const run = await runOurs(c);
      requests.push(o.sim.count());
      if (c === OURS[0]) {
        const found = (JSON.parse(run.stdout) as { result: { apps: unknown[] } }).result.apps.length;
        if (found < o.apps) throw new Error(`sf eca list found ${found} apps in ${o.alias}, expected ${o.apps}`);
      }
    }
    const official1: Series = { runs: [] };
    const ours: Series[] = OURS.map(() => ({ runs: [] }));
    for (let i = 0; i < ROUNDS; i++) {
      // alternate who goes first, so neither always runs on a warmer or cooler machine
      const order = i % 2 === 0 ? [-1, ...OURS.keys()] : [...[...OURS.keys()].reverse(), -1];
      for (const k of order) {
        if (k < 0) official1.runs.push(await runOfficial());
        else ours[k].runs.push(await runOurs(OURS[k]));
      }
    }
    // the same commands on the small org: peak RSS per app (fewer rounds: memory is steady)
    const smallRounds = Math.min(ROUNDS, 3);
    const smallOfficial: Series = { runs: [] };
    const smallOurs: Series[] = OURS.map(() => ({ runs: [] }));
    if (o.small) {
      for (let i = 0; i < smallRounds; i++) {
        smallOfficial.runs.push(await runOfficial(o.small.alias));
        for (const [k, c] of OURS.entries()) smallOurs[k].runs.push(await runOurs(c, o.small.alias));
      }
    }
    o.sim.faults.set({});

    // the local check: the same number of apps as source files
    writeSourceProject(project, o.local);
    if (o.small) writeSourceProject(smallProject, o.small.local);
    const localCheck = ['eca', 'policy', 'check', '--source-dir', 'force-app', '--fail-on', 'none', '--json'];
    let outputs = 0;
    const runConvert = async (profileDir?: string): Promise<Run> => {
      // a new folder each time, as a user converts into; the previous one is removed untimed
      rmSync(join(project, `mdapi-${outputs}`), { recursive: true, force: true });
      const convert = ['project', 'convert', 'source', '--source-dir', 'force-app', '--output-dir', `mdapi-${++outputs}`, '--json'];
      return check(await sf(convert, env, project, profileDir), 'sf project convert source');
    };
    const runLocal = async (dir = project, profileDir?: string): Promise<Run> => check(await sf(localCheck, env, dir, profileDir), 'sf eca policy check --source-dir');
    await runConvert();
    await runLocal();
    const local = { convert: { runs: [] } as Series, check: { runs: [] } as Series, small: { runs: [] } as Series };
    for (let i = 0; i < ROUNDS; i++) {
      if (i % 2 === 0) {
        local.convert.runs.push(await runConvert());
        local.check.runs.push(await runLocal());
      } else {
        local.check.runs.push(await runLocal());
        local.convert.runs.push(await runConvert());
      }
    }
    if (o.small) for (let i = 0; i < smallRounds; i++) local.small.runs.push(await runLocal(smallProject));

    const h = summary(help);
    const off = summary(official1);
    const pluginNote = PLUGIN === 'link' ? 'plugin linked (tsx)' : 'plugin installed (npm ci --omit=dev)';
    table(
      `Side by side: reading an org of ${o.apps} apps, ${o.latencyMs} ms latency (${pluginNote}; medians of ${ROUNDS} rounds)`,
      ['command', 'wall time', 'CPU', 'peak RSS', 'wall ratio (range)', 'CPU ratio (range)', 'goal'],
      [
        [`sf project retrieve start -m <${types.length} types> --target-metadata-dir`, secs(off.wall), secs(off.cpu), mb(off.rss), '1.00', '1.00', ''],
        ...OURS.map((c, k) => {
          const x = summary(ours[k]);
          return [`${c.name} (${requests[k]} requests)`, secs(x.wall), secs(x.cpu), mb(x.rss), ratio(ours[k], official1, 'wallMs'), ratio(ours[k], official1, 'cpuMs'), '≤ 1.00'];
        }),
      ]
    );
    const lc = { convert: summary(local.convert), check: summary(local.check) };
    table(`Side by side: local check of ${o.apps} apps (${(o.local ?? []).length} files; medians of ${ROUNDS} rounds)`, ['command', 'wall time', 'CPU', 'peak RSS', 'wall ratio (range)', 'CPU ratio (range)', 'goal'], [
      ['sf project convert source (same files)', secs(lc.convert.wall), secs(lc.convert.cpu), mb(lc.convert.rss), '1.00', '1.00', ''],
      ['sf eca policy check --source-dir --json', secs(lc.check.wall), secs(lc.check.cpu), mb(lc.check.rss), ratio(local.check, local.convert, 'wallMs'), ratio(local.check, local.convert, 'cpuMs'), '≤ 0.30'],
    ]);

    // memory: growth per 1,000 apps, as the slope between the small org and the large one, and over --help
    const oh = summary(officialHelp);
    const perThousand = (big: number, small: number, n: number): string => mb(((big - small) * 1000) / n);
    const smallN = o.small ? o.small.apps : 0;
    const rows: Array<Array<string | number>> = [];
    const row = (name: string, big: Series, small: Series | undefined, baseline: number, goal: string): void => {
      const b = summary(big).rss;
      const sm = small && small.runs.length ? summary(small).rss : undefined;
      rows.push([name, sm === undefined ? '' : mb(sm), mb(b), sm === undefined ? '' : perThousand(b, sm, o.apps - smallN), perThousand(b, baseline, o.apps), goal]);
    };
    row('sf project retrieve start, for comparison (over its own --help)', official1, smallOfficial, oh.rss, '');
    OURS.forEach((c, k) => row(c.name.replace(/ --json$/, ''), ours[k], smallOurs[k], h.rss, '≤ 30 MB'));
    row('sf eca policy check --source-dir', local.check, local.small, h.rss, '≤ 30 MB');
    table(
      `Peak RSS growth per 1,000 apps: between ${smallN} and ${o.apps} apps, and over \`sf eca list --help\` (${mb(h.rss)}; the official retrieve over its own --help, ${mb(oh.rss)})`,
      ['command', `peak RSS, ${smallN} apps`, `peak RSS, ${o.apps} apps`, `growth per 1,000 apps (${smallN} → ${o.apps})`, 'growth over --help, per 1,000 apps', 'goal'],
      rows
    );

    if (PROFILE_DIR) {
      o.sim.faults.set({ latencyMs: o.latencyMs });
      const runs: Array<[string, (dir: string) => Promise<Run>]> = [
        ['sf project retrieve start', (d) => runOfficial(o.alias, d)],
        ...OURS.map((c): [string, (dir: string) => Promise<Run>] => [c.name, (d) => runOurs(c, o.alias, d)]),
        ['sf project convert source', runConvert],
        ['sf eca policy check --source-dir', (d) => runLocal(project, d)],
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
    for (const dir of [project, smallProject, ...Object.values(diffProjects), home]) rmSync(dir, { recursive: true, force: true });
    if (pluginDir !== ROOT) rmSync(pluginDir, { recursive: true, force: true });
  }
}
