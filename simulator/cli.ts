/**
 * Runs the org simulator in the foreground:
 *
 *   npm run simulator -- --orgs dev,prod [--http] [--latency 50] [--seed file] [--port 8443]
 *                        [--fault <spec>]... [--control-port N] [--no-control] [--verbose]
 *
 * Prints one JSON line per org: {"alias","username","orgId","instanceUrl","sfdxAuthUrl","caCertPath"},
 * then one line {"control": {"url","token"}, "loginUrl"} for setting faults from another process
 * (see simulator/README.md). Log in the real CLI with `echo <sfdxAuthUrl> | sf org login sfdx-url
 * --sfdx-url-stdin` and NODE_EXTRA_CA_CERTS=<caCertPath>. Stops on SIGTERM or SIGINT.
 */
import { parseArgs } from 'node:util';
import { FaultSpecError, parseFaultSpecs } from './faultSpec.js';
import { startSimulator } from './server.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      orgs: { type: 'string' },
      http: { type: 'boolean', default: false },
      latency: { type: 'string' },
      seed: { type: 'string' },
      port: { type: 'string' },
      fault: { type: 'string', multiple: true },
      'control-port': { type: 'string' },
      'no-control': { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const latency = values.latency ? Number.parseInt(values.latency, 10) : 0;
  const faults = parseFaultSpecs(values.fault ?? []);
  const sim = await startSimulator({
    protocol: values.http ? 'http' : 'https',
    orgs: values.orgs ? values.orgs.split(',').map((s) => s.trim()).filter((s) => s !== '') : undefined,
    seedFile: values.seed,
    port: values.port ? Number.parseInt(values.port, 10) : undefined,
    latencyMs: Number.isFinite(latency) ? latency : 0,
    verbose: values.verbose,
    faults,
    control: values['no-control'] ? false : { port: values['control-port'] ? Number.parseInt(values['control-port'], 10) : undefined },
  });
  for (const org of sim.orgs) {
    const login = sim.login(org.alias);
    process.stdout.write(
      `${JSON.stringify({ alias: login.alias, username: login.username, orgId: login.orgId, instanceUrl: login.instanceUrl, sfdxAuthUrl: login.sfdxAuthUrl, caCertPath: login.caCertPath ?? null })}\n`
    );
  }
  process.stdout.write(`${JSON.stringify({ control: sim.controlEndpoint ?? null, loginUrl: sim.loginUrl ?? null, faults: sim.faults.describe() })}\n`);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void sim.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`simulator: ${e instanceof FaultSpecError ? `--fault ${e.message}` : e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
