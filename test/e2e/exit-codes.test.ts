/**
 * The fault matrix through the real `sf` (@salesforce/cli from npm, the plugin linked): for every
 * org command, the exit code its help documents (src/shared/exitCodes.ts) and a named error whose
 * actions name the org alias the user typed, under the faults pipelines meet. Alone, sf would say
 * 10 for an org that does not answer (sf-plugins-core reads "TypeError: fetch failed"), 20 for a
 * Salesforce ErrorId, 1 for a bad option value ("findings" for policy check), and exit 1 with
 * oclif's ExitError stack trace and no deploy ID on Ctrl-C (sf-plugins-core's own SIGINT listener).
 *
 * One sf home and one simulator (in this process, faults switched with sim.faults.set) serve the
 * whole matrix; the commands of one fault run side by side. Kept fast: an org "that does not
 * answer" is an instance whose port answers something that is not TLS, which fails at once
 * (a closed port costs 30-65 s of jsforce's retries of refused connections; the in-process
 * suite covers it); the 500 is put on the SOAP calls (a POST is never retried, a GET answered
 * 500 is retried 5 times over 15 s); --wait is 1 minute and interrupts come at the first status
 * poll. The matrix is printed as a table (README "Exit codes under faults" shows it).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { expect } from 'chai';
import { startSimulator, type Simulator } from '../../simulator/server.js';
import type { FaultConfig } from '../../simulator/faults.js';
import { type CommandId, EXIT_CODES, FAILURE_CODES } from '../../src/shared/exitCodes.js';
import { ROOT } from '../helpers/paths.js';
import { SfCli, type SfRun } from '../helpers/sfCli.js';

type Fault = 'unreachable' | '500 ErrorId' | 'expired auth' | 'request limit' | 'bad option' | 'SIGINT mid-deploy' | 'SIGTERM mid-deploy';
const FAULTS: readonly Fault[] = ['unreachable', '500 ErrorId', 'expired auth', 'request limit', 'bad option', 'SIGINT mid-deploy', 'SIGTERM mid-deploy'];

/** One org command as the matrix runs it. */
type Spec = {
  label: string;
  row: CommandId;
  /** the command against `org` (the alias typed), with --json */
  args: (org: string) => string[];
  /** a bad option value, and the parser's error name */
  badOption: { args: string[]; name: string };
  /** commands that deploy: the command and the alias whose deploy the interrupt catches polling */
  deploy?: { args: (run: number) => string[]; target: string };
  /** a fault set where this command meets it (run on its own, after the others) */
  faults?: Partial<Record<Fault, FaultConfig>>;
};

type Cell = { status: number | null; expected: number; name?: string; ms: number; problems: string[] };

const SECRET_ENV = { ECA_CLIENT_SECRET: 'not-a-real-secret-0123456789' };

/** Error names each fault may end with (a query keeps Salesforce's own code as its name). */
const NAMES: Partial<Record<Fault, readonly string[]>> = {
  unreachable: ['OrgUnreachableError'],
  '500 ErrorId': ['RequestFailedError', 'UNKNOWN_EXCEPTION'],
  'expired auth': ['SessionExpiredError'],
  'request limit': ['RequestLimitError'],
  'SIGINT mid-deploy': ['DeployInterruptedError'],
  'SIGTERM mid-deploy': ['DeployInterruptedError'],
};

const FAULT_CONFIG: Partial<Record<Fault, FaultConfig>> = {
  '500 ErrorId': { errors: [{ match: 'soap:*', status: 500 }] },
  'expired auth': { expireSession: {}, refreshRevoked: {} },
  'request limit': { requestLimit: {} },
};

/** A stack frame, as oclif prints an error it did not expect. */
const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;

function documented(spec: Spec, fault: Fault): number {
  const codes = FAILURE_CODES[spec.row];
  if (fault === 'bad option') return codes.usage;
  const row = EXIT_CODES[spec.row] as Record<string, number>;
  if (fault === 'SIGINT mid-deploy') return row.Interrupted;
  if (fault === 'SIGTERM mid-deploy') return row.Terminated;
  return codes.org;
}

/** Runs up to `limit` at once (an sf start-up waits on the disk as much as on the CPU). */
async function pooled<T>(jobs: ReadonlyArray<() => Promise<T>>, limit = 7): Promise<T[]> {
  const out: T[] = new Array<T>(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      // eslint-disable-next-line no-await-in-loop
      out[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return out;
}

describe('end to end: the fault matrix, every org command in the real sf', function () {
  this.timeout(900_000);
  let sim: Simulator;
  let sf: SfCli;
  let notHttps: Server;
  let out: string;
  const matrix = new Map<string, Map<Fault, Cell>>();
  let snapshotRuns = 0;

  const specs: Spec[] = [
    {
      label: 'create',
      row: 'create',
      args: (org) => ['eca', 'create', '--name', 'Acme_Faulty', '--template', 'device', '--contact-email', 'ops@acme.example', '-o', org, '--wait', '1', '--json'],
      badOption: { args: ['eca', 'create', '--name', 'A', '--template', 'nope', '--contact-email', 'a@b.example', '-o', 'dev', '--json'], name: 'FlagInvalidOptionError' },
      deploy: { args: (run) => ['eca', 'create', '--name', `Acme_Stopped_${run}`, '--template', 'device', '--contact-email', 'ops@acme.example', '-o', 'dev', '--wait', '1'], target: 'dev' },
    },
    {
      label: 'list',
      row: 'list',
      args: (org) => ['eca', 'list', '-o', org, '--json'],
      badOption: { args: ['eca', 'list', '-o', 'dev', '--api-version', 'latest', '--json'], name: 'InvalidApiVersionError' },
    },
    {
      label: 'display',
      row: 'display',
      args: (org) => ['eca', 'display', '-o', org, '--name', 'Acme_Matrix', '--json'],
      badOption: { args: ['eca', 'display', '-o', 'dev', '--name', 'Acme_Matrix', '--api-version', '66', '--json'], name: 'InvalidApiVersionError' },
    },
    {
      label: 'convert -o',
      row: 'convert',
      args: (org) => ['eca', 'convert', '-o', org, '--all', '--output-dir', join(out, 'convert-fault'), '--force', '--json'],
      badOption: { args: ['eca', 'convert', '-o', 'prod', '--all', '--naming', 'bogus', '--json'], name: 'FlagInvalidOptionError' },
      deploy: { args: (run) => ['eca', 'convert', '-o', 'prod', '--name', 'Legacy_Integration', '--output-dir', join(out, `convert-${run}`), '--force', '--deploy-to', 'uat'], target: 'uat' },
    },
    {
      label: 'migrate',
      row: 'migrate',
      args: (org) => ['eca', 'migrate', '--source-org', org, '--target-org', 'prod', '--name', 'Acme_Matrix', '--wait', '1', '--json'],
      badOption: { args: ['eca', 'migrate', '--source-org', 'dev', '--target-org', 'prod', '--all', '--wait', 'soon', '--json'], name: 'InvalidDurationError' },
      deploy: { args: () => ['eca', 'migrate', '--source-org', 'dev', '--target-org', 'prod', '--name', 'Acme_Matrix', '--wait', '1'], target: 'prod' },
    },
    {
      label: 'policy check -o',
      row: 'policyCheck',
      args: (org) => ['eca', 'policy', 'check', '-o', org, '--json'],
      badOption: { args: ['eca', 'policy', 'check', '-o', 'dev', '--fail-on', 'bogus', '--json'], name: 'FlagInvalidOptionError' },
    },
    {
      label: 'token verify',
      row: 'tokenVerify',
      args: (org) => ['eca', 'token', 'verify', '-o', org, '--name', 'Acme_Matrix', '--flow', 'client-credentials', '--json'],
      badOption: { args: ['eca', 'token', 'verify', '-o', 'dev', '--name', 'Acme_Matrix', '--flow', 'password', '--json'], name: 'FlagInvalidOptionError' },
    },
    // the commands of this round: none may repeat a defect the older ones had
    {
      label: 'snapshot',
      row: 'snapshot',
      args: (org) => ['eca', 'snapshot', '-o', org, '--output-dir', join(out, `snapshot-${org}-${++snapshotRuns}`), '--json'],
      badOption: { args: ['eca', 'snapshot', '-o', 'dev', '--output-dir', 'snapshot-bad', '--api-version', 'latest', '--json'], name: 'InvalidApiVersionError' },
    },
    {
      label: 'diff',
      row: 'diff',
      args: (org) => ['eca', 'diff', '--source-org', org, '--target-org', 'prod', '--json'],
      badOption: { args: ['eca', 'diff', '--source-org', 'dev', '--target-org', 'prod', '--api-version', 'latest', '--json'], name: 'InvalidApiVersionError' },
    },
    {
      label: 'doctor',
      row: 'doctor',
      args: (org) => ['eca', 'doctor', '-o', org, '--name', 'Acme_Matrix', '--json'],
      badOption: { args: ['eca', 'doctor', '-o', 'dev', '--name', 'Acme_Matrix', '--fail-on', 'bogus', '--json'], name: 'FlagInvalidOptionError' },
    },
    {
      label: 'credentials status',
      row: 'credentialsStatus',
      args: (org) => ['eca', 'credentials', 'status', '-o', org, '--name', 'Acme_Matrix', '--json'],
      badOption: { args: ['eca', 'credentials', 'status', '-o', 'dev', '--name', 'Acme_Matrix', '--api-version', 'latest', '--json'], name: 'InvalidApiVersionError' },
      // it reads through REST only (a query, the Connect credentials and usage resources): its 500 is there
      faults: { '500 ErrorId': { errors: [{ match: /^rest:|\/apps\/oauth\//, status: 500 }] } },
    },
    {
      label: 'cert rotate',
      row: 'certRotate',
      args: (org) => ['eca', 'cert', 'rotate', '-o', org, '--name', 'Acme_Matrix', '--username', 'ci@acme.example', '--key-dir', join(out, 'keys'), '--dry-run', '--json'],
      badOption: { args: ['eca', 'cert', 'rotate', '-o', 'dev', '--name', 'Acme_Matrix', '--username', 'ci@acme.example', '--key-dir', 'keys', '--api-version', 'latest', '--json'], name: 'InvalidApiVersionError' },
    },
  ];

  function record(spec: Spec, fault: Fault, cell: Cell): void {
    if (!matrix.has(spec.label)) matrix.set(spec.label, new Map());
    matrix.get(spec.label)?.set(fault, cell);
  }

  /** Checks one run against the documented code, the named error and an action naming the alias typed. */
  function judge(spec: Spec, fault: Fault, r: SfRun, ms: number, alias?: string): Cell {
    const expected = documented(spec, fault);
    const problems: string[] = [];
    const human = !r.json;
    const name = r.json?.name ?? /^Error \((\w+)\)/m.exec(r.stderr)?.[1];
    const actions = r.json?.actions?.join('\n') ?? r.stderr;
    if (r.status !== expected) problems.push(`exit ${r.status}, documented ${expected}`);
    const allowed = fault === 'bad option' ? [spec.badOption.name] : NAMES[fault] ?? [];
    if (!name || !allowed.includes(name)) problems.push(`error ${name ?? '(none)'}, expected ${allowed.join(' or ')}`);
    if (alias && !new RegExp(`(--target-org|--alias|-o) ${alias}(?![\\w.@-])`).test(actions)) problems.push(`no action names ${alias}: ${actions}`);
    if (STACK_FRAME.test(r.stderr) || (human && /ExitError|EEXIT/.test(r.stderr))) problems.push(`a stack trace: ${r.stderr.slice(0, 400)}`);
    if (fault === '500 ErrorId' && /\d{9,}-\d{3,} \(-?\d{7,}\)/.test(`${r.json?.message ?? r.stderr}`)) problems.push('the ErrorId in the form sf reads as a crash (20)');
    if (problems.length) problems.push(`output: ${r.stdout.slice(0, 600)} ${r.stderr.slice(0, 600)}`);
    return { status: r.status, expected, name, ms, problems };
  }

  async function timed(args: string[]): Promise<SfRun & { ms: number }> {
    const start = Date.now();
    const r = await sf.run(args, { cwd: out });
    return { ...r, stderr: stripVTControlCharacters(r.stderr), ms: Date.now() - start };
  }

  /**
   * Starts sf, waits until `ready()` says the moment has come (or the process ends, or `timeoutMs`
   * passes), then sends `signal`; SIGKILL instead when it never got ready and `unready` says so.
   */
  async function signalledWhen(
    args: string[],
    o: { ready: () => boolean; signal: NodeJS.Signals; timeoutMs: number; unready?: 'kill' }
  ): Promise<{ status: number | null; stdout: string; stderr: string; ready: boolean; ms: number }> {
    const start = Date.now();
    const child = spawn(join(ROOT, 'node_modules', '.bin', 'sf'), args, { cwd: out, env: sf.env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.end();
    const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    let done = false;
    void closed.then(() => (done = true));
    while (!done && !o.ready() && Date.now() - start < o.timeoutMs) {
      // eslint-disable-next-line no-await-in-loop
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const ready = o.ready();
    if (!done) child.kill(ready || o.unready !== 'kill' ? o.signal : 'SIGKILL');
    const status = await closed;
    // sf colours its error lines in some CI environments (CI=true): the words are judged, not the colours
    return { status, stdout, stderr: stripVTControlCharacters(stderr), ready, ms: Date.now() - start };
  }

  /**
   * Runs a deploying command until the simulator holds its deploy and has answered a status poll
   * from `target`, then sends `signal` to the sf process.
   */
  async function interrupted(args: string[], target: string, signal: NodeJS.Signals): Promise<SfRun & { ms: number; polled: boolean }> {
    const from = sim.requests.at(-1)?.seq ?? 0;
    const polled = (): boolean => sim.requests.some((r) => r.seq > from && r.endpoint === 'soap:checkDeployStatus' && r.org === target);
    const run = await signalledWhen(args, { ready: polled, signal, timeoutMs: 300_000, unready: 'kill' });
    let json;
    if (args.includes('--json')) {
      try {
        json = JSON.parse(run.stdout) as SfRun['json'];
      } catch {
        json = undefined;
      }
    }
    return { status: run.status, stdout: run.stdout, stderr: run.stderr, json, ms: run.ms, polled: run.ready };
  }

  before(async () => {
    sim = await startSimulator({ orgs: ['dev', 'prod', 'uat'] });
    sf = SfCli.link({ NODE_EXTRA_CA_CERTS: sim.login('dev').caCertPath, ...SECRET_ENV });
    // Node 22's module compile cache: a quarter less CPU for every sf start-up after the first
    sf.env.NODE_COMPILE_CACHE = join(sf.home, '.node-compile-cache');
    out = join(sf.home, 'work');
    mkdirSync(out);
    mkdirSync(join(out, 'keys'));
    const login = (alias: string): Promise<SfRun> => {
      const urlFile = join(sf.home, `${alias}.url`);
      writeFileSync(urlFile, sim.login(alias).sfdxAuthUrl);
      return sf.run(['org', 'login', 'sfdx-url', '--sfdx-url-file', urlFile, '--alias', alias, '--json']);
    };
    // the first login makes the home's encryption key: alone, or two logins make two keys
    const logins = [await login('dev'), ...(await Promise.all([login('prod'), login('uat')]))];
    for (const l of logins) expect(l.status, l.stdout + l.stderr).to.equal(0);
    // an org whose instance answers with something that is not TLS: "TypeError: fetch failed", at once
    notHttps = createServer((socket) => {
      socket.on('error', () => undefined);
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    });
    await new Promise<void>((resolve) => notHttps.listen(0, '127.0.0.1', resolve));
    const url = `https://127.0.0.1:${(notHttps.address() as { port: number }).port}`;
    const username = 'admin@dead.acme.example';
    const auth = { accessToken: '00D000000000DEAD!token', refreshToken: 'refresh', clientId: 'PlatformCLI', instanceUrl: url, loginUrl: url, orgId: '00D000000000DEADEA', username, isDevHub: false, isSandbox: false, isScratch: false, created: String(Date.now()) };
    writeFileSync(join(sf.home, '.sfdx', `${username}.json`), JSON.stringify(auth), { mode: 0o600 });
    const [alias, app] = await Promise.all([
      sf.run(['alias', 'set', `dead=${username}`, '--json']),
      // the app display, token verify and migrate read (a device app: nothing org-specific to map)
      sf.run(['eca', 'create', '--name', 'Acme_Matrix', '--template', 'device', '--contact-email', 'ops@acme.example', '-o', 'dev', '--json'], { cwd: out }),
    ]);
    expect(alias.status, alias.stdout + alias.stderr).to.equal(0);
    expect(app.status, app.stdout + app.stderr).to.equal(0);
  });

  after(async () => {
    sim?.faults.set({});
    notHttps?.close();
    await sim?.close();
    sf?.dispose();
    if (matrix.size) console.log(`\n${renderMatrix(matrix)}\n`);
  });

  afterEach(() => sim.faults.set({}));

  for (const fault of ['unreachable', '500 ErrorId', 'expired auth', 'request limit'] as const) {
    it(`${fault}: every org command exits with its documented code, a named error, an action naming the alias typed`, async () => {
      const alias = fault === 'unreachable' ? 'dead' : 'dev';
      const own = (spec: Spec): FaultConfig | undefined => spec.faults?.[fault];
      sim.faults.set(FAULT_CONFIG[fault] ?? {});
      const shared = await pooled(specs.filter((spec) => !own(spec)).map((spec) => () => timed(spec.args(alias))));
      const runs: Array<SfRun & { ms: number }> = [];
      for (const spec of specs) {
        const config = own(spec);
        if (!config) runs.push(shared.shift() as SfRun & { ms: number });
        else {
          sim.faults.set(config);
          // eslint-disable-next-line no-await-in-loop
          runs.push(await timed(spec.args(alias)));
        }
      }
      const cells = specs.map((spec, i) => judge(spec, fault, runs[i], runs[i].ms, alias));
      specs.forEach((spec, i) => record(spec, fault, cells[i]));
      expect(cells.flatMap((c, i) => c.problems.map((p) => `${specs[i].label}: ${p}`))).to.deep.equal([]);
    });
  }

  it('bad option value: the usage code of each command (sf alone: 1, "findings" for policy check)', async () => {
    const runs = await pooled(specs.map((spec) => () => timed(spec.badOption.args)));
    const cells = specs.map((spec, i) => judge(spec, 'bad option', runs[i], runs[i].ms));
    specs.forEach((spec, i) => record(spec, 'bad option', cells[i]));
    // generate talks to no org, but a typo in its template is as much a usage error
    const generate = await timed(['eca', 'generate', '--template', 'nope', '--name', 'A', '--contact-email', 'a@b.example']);
    expect(generate.status, generate.stderr).to.equal(EXIT_CODES.generate.Usage);
    expect(cells.flatMap((c, i) => c.problems.map((p) => `${specs[i].label}: ${p}`))).to.deep.equal([]);
  });

  const deploying = (): Spec[] => specs.filter((s) => s.deploy);
  let stopped: Array<{ spec: Spec; id: string }> = [];

  for (const [fault, signal, run] of [
    ['SIGINT mid-deploy', 'SIGINT', 1],
    ['SIGTERM mid-deploy', 'SIGTERM', 2],
  ] as const) {
    it(`${fault}: the deploy ID and the resume/report/cancel lines, exit ${signal === 'SIGINT' ? 130 : 143}, no stack trace`, async () => {
      sim.faults.set({ deployInProgress: true });
      const specsThatDeploy = deploying();
      // each command deploys to its own org, so the three are told apart and run side by side
      const runs = await Promise.all(specsThatDeploy.map((spec) => interrupted(spec.deploy?.args(run) ?? [], spec.deploy?.target ?? '', signal)));
      const problems: string[] = [];
      specsThatDeploy.forEach((spec, i) => {
        const r = runs[i];
        const target = spec.deploy?.target ?? '';
        const cell = judge(spec, fault, r, r.ms, target);
        if (!r.polled) cell.problems.unshift('the deploy was never polled: nothing to interrupt');
        const deployId = /\b0Af[0-9A-Za-z]{12}(?:[0-9A-Za-z]{3})?\b/.exec(r.stderr)?.[0];
        if (!deployId) cell.problems.push(`no deploy ID printed: ${r.stderr.slice(0, 300)}`);
        else {
          if (!r.stderr.includes(`sf project deploy resume --job-id ${deployId}`)) cell.problems.push('no resume line');
          if (!r.stderr.includes(`sf project deploy report --job-id ${deployId} --target-org ${target}`)) cell.problems.push('no report line');
          stopped.push({ spec, id: deployId });
        }
        record(spec, fault, cell);
        problems.push(...cell.problems.map((p) => `${spec.label}: ${p}`));
      });
      expect(problems).to.deep.equal([]);
    });
  }

  /** Runs an sf command until the simulator has answered it once, then sends `signal`. */
  async function stoppedDuringRead(args: string[], signal: NodeJS.Signals): Promise<{ status: number | null; stdout: string; stderr: string }> {
    const from = sim.requests.at(-1)?.seq ?? 0;
    const { status, stdout, stderr } = await signalledWhen(args, { ready: () => sim.requests.some((r) => r.seq > from), signal, timeoutMs: 120_000 });
    return { status, stdout, stderr };
  }

  it('Ctrl-C or SIGTERM during an org read (no deploy): 130 or 143, one line that says so (an error object with --json), no stack trace', async () => {
    // each request takes 2 s: the signal comes while the command waits on the org
    sim.faults.set({ latencyMs: 2000 });
    const [human, json, term] = await Promise.all([
      stoppedDuringRead(['eca', 'list', '-o', 'dev'], 'SIGINT'),
      stoppedDuringRead(['eca', 'policy', 'check', '-o', 'prod', '--json'], 'SIGINT'),
      stoppedDuringRead(['eca', 'doctor', '-o', 'uat', '--name', 'Acme_Matrix'], 'SIGTERM'),
    ]);
    // sf alone (sf-plugins-core): exit 1, "ExitError: EEXIT: 130" and a stack trace
    expect(human.status, human.stderr).to.equal(130);
    expect(human.stderr).to.contain('Interrupted (Ctrl-C) before the command finished').and.not.match(/ExitError|EEXIT/);
    expect(STACK_FRAME.test(human.stderr), human.stderr).to.equal(false);
    expect(json.status, json.stderr).to.equal(130);
    expect(JSON.parse(json.stdout)).to.include({ name: 'StoppedError', status: 130, exitCode: 130 });
    expect(term.status, term.stderr).to.equal(143);
    expect(term.stderr).to.contain('Terminated (SIGTERM) before the command finished');
    expect(STACK_FRAME.test(term.stderr), term.stderr).to.equal(false);
  });

  it('the lines printed work: sf project deploy report, then resume once the org finishes the deploy', async () => {
    const { id, spec } = stopped[0];
    const target = spec.deploy?.target ?? '';
    sim.faults.set({ deployInProgress: true });
    const report = await timed(['project', 'deploy', 'report', '--job-id', id, '--target-org', target, '--json']);
    expect(report.status, report.stdout + report.stderr).to.equal(0);
    expect(report.json?.result).to.include({ id, done: false });
    // the job is in the CLI's deploy cache, so resume (which has no --target-org) finds it
    const cache = JSON.parse(readFileSync(join(sf.home, '.sf', 'deploy-cache.json'), 'utf8')) as Record<string, { 'target-org'?: string }>;
    expect(cache[id]?.['target-org']).to.equal(sim.login(target).username);
    sim.faults.set({});
    const resume = await timed(['project', 'deploy', 'resume', '--job-id', id, '--json']);
    expect(resume.status, resume.stdout + resume.stderr).to.equal(0);
    expect(resume.json?.result).to.include({ id, done: true, status: 'Succeeded' });
    stopped = [];
  });

  it('a connection that drops while the deploy is polled: exit 69 within seconds, the ID and how to follow it', async () => {
    sim.faults.set({ drops: [{ match: 'soap:checkDeployStatus' }] });
    const r = await timed(['eca', 'convert', '-o', 'prod', '--name', 'Legacy_Integration', '--output-dir', join(out, 'convert-drop'), '--force', '--deploy-to', 'uat', '--json']);
    expect(r.status, r.stdout + r.stderr).to.equal(EXIT_CODES.convert.InProgress);
    expect(r.json?.name).to.equal('DeployInProgressError');
    const data = (r.json as { data?: { deployId?: string; stoppedBy?: string } }).data;
    expect(data?.stoppedBy).to.equal('dropped');
    expect(r.json?.message).to.contain(`dropped while this command watched the validation (check-only deploy) ${data?.deployId}`);
    expect(r.json?.actions?.join('\n')).to.contain(`sf project deploy report --job-id ${data?.deployId} --target-org uat`);
    expect(existsSync(join(sf.home, '.sf', 'deploy-cache.json'))).to.equal(true);
  });
});

/** The matrix as a table: the exit code of each command under each fault, ✓ when it is the documented one. */
function renderMatrix(matrix: Map<string, Map<Fault, Cell>>): string {
  const header = ['command', ...FAULTS];
  const rows = [...matrix.entries()].map(([command, cells]) => [
    command,
    ...FAULTS.map((f) => {
      const c = cells.get(f);
      if (!c) return 'n/a';
      return `${c.status ?? 'signal'} ${c.problems.length ? `✗ (${c.expected})` : '✓'}`;
    }),
  ]);
  const names = FAULTS.map((f) => {
    const seen = new Set([...matrix.values()].map((cells) => cells.get(f)?.name).filter((n): n is string => n !== undefined));
    return `  ${f}: ${[...seen].join(', ') || 'n/a'}`;
  });
  const slowest = Math.max(...[...matrix.values()].flatMap((cells) => [...cells.values()].map((c) => c.ms)));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cols: string[]): string => `| ${cols.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [
    'Exit codes under faults, through the real sf (✓: the documented code; n/a: the command deploys nothing)',
    line(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(line),
    'Errors named:',
    ...names,
    `Slowest run: ${(slowest / 1000).toFixed(1)} s`,
  ].join('\n');
}
