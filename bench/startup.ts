/**
 * Start-up: what `sf eca list --help` and the first line of a command (`sf eca list -o <unknown
 * alias>`, failing fast) cost in CPU against the same of `sf org display` in the same real sf, for the
 * plugin installed from its packed tarball (what users run) and linked (what developers run).
 *
 * CPU is user+sys of the whole process; each ratio is the median of A/B taken pair by pair.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, paired, table, type Command, type Paired, type Run } from './lib/measure.js';
import { pack, SF_BIN, SfHome } from './lib/sfHome.js';

/** `--help` within 1.10x the CPU of `sf org display --help` (issue 11). */
export const STARTUP_GOAL = 1.1;
const UNKNOWN = 'bench-no-such-org';

function sf(home: SfHome, label: string, args: string[], check: (r: Run) => string | undefined): Command {
  return { label, cmd: SF_BIN, args, env: home.env, cwd: home.dir, check };
}

const helpOk =
  (usage: string) =>
  (r: Run): string | undefined =>
    r.status === 0 && r.stdout.includes(usage) ? undefined : `expected exit 0 and help showing "${usage}"`;

const unknownOrgOk = (r: Run): string | undefined =>
  r.status !== 0 && r.stderr.includes(`No authorization information found for ${UNKNOWN}`) ? undefined : `expected to fail on the unknown alias ${UNKNOWN}`;

async function measure(home: SfHome, runs: number, warmups: number): Promise<{ help: Paired; firstLine: Paired }> {
  const help = await paired(
    sf(home, 'sf eca list --help', ['eca', 'list', '--help'], helpOk('$ sf eca list')),
    sf(home, 'sf org display --help', ['org', 'display', '--help'], helpOk('$ sf org display')),
    runs,
    warmups
  );
  const firstLine = await paired(
    sf(home, `sf eca list -o ${UNKNOWN}`, ['eca', 'list', '-o', UNKNOWN], unknownOrgOk),
    sf(home, `sf org display -o ${UNKNOWN}`, ['org', 'display', '-o', UNKNOWN], unknownOrgOk),
    runs,
    warmups
  );
  return { help, firstLine };
}

export type StartupFigures = { installed: { help: Paired; firstLine: Paired }; linked?: { help: Paired; firstLine: Paired } };

export async function startup(options: { runs: number; warmups: number; linked: boolean }): Promise<StartupFigures> {
  const work = mkdtempSync(join(tmpdir(), 'eca-bench-pack-'));
  const installedHome = new SfHome('installed');
  const linkedHome = options.linked ? new SfHome('linked') : undefined;
  try {
    const tarball = pack(work);
    installedHome.install(tarball);
    const installed = await measure(installedHome, options.runs, options.warmups);
    let linked;
    if (linkedHome) {
      linkedHome.link();
      linked = await measure(linkedHome, options.runs, options.warmups);
    }

    const row = (plugin: string, p: Paired, goal = ''): Array<string | number> => [
      plugin,
      `\`${p.a.label}\``,
      fmt(p.cpuA),
      `\`${p.b.label}\``,
      fmt(p.cpuB),
      `**${p.ratio.toFixed(2)}**`,
      `${p.ratioMin.toFixed(2)}–${p.ratioMax.toFixed(2)}`,
      goal,
    ];
    const verdict = (p: Paired): string => `≤ ${STARTUP_GOAL.toFixed(2)}: ${p.ratio <= STARTUP_GOAL ? 'met' : 'NOT met'}`;
    const rows = [row('installed (npm pack)', installed.help, verdict(installed.help)), row('installed (npm pack)', installed.firstLine)];
    if (linked) rows.push(row('linked checkout', linked.help), row('linked checkout', linked.firstLine));
    table(
      `Start-up CPU (user+sys, median of ${options.runs} pairs run in turn, after ${options.warmups} warm-up runs each)`,
      ['plugin', 'command', 'CPU', 'against', 'CPU', 'ratio', 'range', 'goal'],
      rows
    );
    return { installed, linked };
  } finally {
    installedHome.dispose();
    linkedHome?.dispose();
    rmSync(work, { recursive: true, force: true });
  }
}
