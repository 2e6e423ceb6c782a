/**
 * Org reads against the simulator (latency on every request): round trips of `create`, and of `list`
 * and `policy check -o` on orgs of N apps, which must not grow with N.
 */
import { startSimulator, type Simulator } from '../simulator/server.js';
import { createCliHome, loginOrg, removeCliHome, useCliHome } from '../test/helpers/cliAuth.js';
import { BIN } from '../test/helpers/paths.js';
import { fmt, table, timed } from './lib/measure.js';
import { apps, orgSeed } from './lib/seed.js';
import { orgReadBench } from './orgRead.js';

export async function orgReads(options: { latencyMs: number; sizes: number[] }): Promise<void> {
  const { latencyMs, sizes } = options;
  const sim: Simulator = await startSimulator({ orgs: [] });
  for (const n of sizes) sim.addOrg(orgSeed(`b${n}`, n));
  sim.addOrg({ alias: 'create', users: [{ username: 'admin@create.bench.acme.example', lastName: 'Admin', profile: 'System Administrator' }, { username: 'integration@bench.acme.example', lastName: 'Integration', profile: 'Minimum Access - API Only Integrations', apiOnly: true }] });
  const home = createCliHome(sim);
  const restore = useCliHome(home, sim);
  try {
    for (const n of sizes) await loginOrg(home, sim, `b${n}`);
    await loginOrg(home, sim, 'create');
    restore();
    const env: NodeJS.ProcessEnv = { ...process.env, ...home.env, NODE_EXTRA_CA_CERTS: sim.caCertPath, SF_DISABLE_LOG_FILE: 'true' };
    const node = process.execPath;
    sim.faults.set({ latencyMs });

    // create: round trips and wall time
    sim.resetLog();
    const create = await timed(node, [BIN, 'eca', 'create', '--name', 'Bench_Create', '--template', 'server-to-server', '--run-as', 'integration@bench.acme.example', '--contact-email', 'b@acme.example', '-o', 'create', '--json'], env);
    table('sf eca create', ['requests', 'of which SOAP', 'wall time', 'exit'], [[sim.count(), sim.count('soap:*'), fmt(create.ms), String(create.status)]]);

    // list and org policy check: round trips must not grow with the number of apps
    const listRows: Array<Array<string | number>> = [];
    const checkRows: Array<Array<string | number>> = [];
    for (const n of sizes) {
      sim.resetLog();
      const list = await timed(node, [BIN, 'eca', 'list', '-o', `b${n}`, '--json'], env);
      listRows.push([n, sim.count(), sim.count('soap:retrieve'), sim.count('soap:checkRetrieveStatus'), sim.count('rest:query'), fmt(list.ms), `${list.maxRssMb?.toFixed(0)} MB`]);
      sim.resetLog();
      const check = await timed(node, [BIN, 'eca', 'policy', 'check', '-o', `b${n}`, '--fail-on', 'none', '--json'], env);
      checkRows.push([n, sim.count(), sim.count('soap:retrieve'), sim.count('rest:query'), fmt(check.ms), `${check.maxRssMb?.toFixed(0)} MB`, String(check.status)]);
    }
    table('sf eca list (org with N apps)', ['apps', 'requests', 'retrieve', 'retrieve polls', 'queries', 'wall time', 'peak RSS'], listRows);
    table('sf eca policy check --target-org (org with N apps)', ['apps', 'requests', 'retrieve', 'queries', 'wall time', 'peak RSS', 'exit'], checkRows);
    // side by side with the official CLI in the same run (issue 17): bench/orgRead.ts
    const n = Math.max(...sizes);
    const m = Math.min(...sizes);
    await orgReadBench({
      sim,
      alias: `b${n}`,
      apps: n,
      local: apps(n, 'Local'),
      orgApps: apps(n, 'Bench'),
      ...(m < n ? { small: { alias: `b${m}`, apps: m, local: apps(m, 'Local'), orgApps: apps(m, 'Bench') } } : {}),
      latencyMs,
    });
  } finally {
    restore();
    sim.faults.set({});
    removeCliHome(home);
    await sim.close();
  }
}
