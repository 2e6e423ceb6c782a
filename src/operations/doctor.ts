/**
 * `sf eca doctor`: a pre-flight of a pipeline login through an External Client App. Reads the org
 * at a constant cost (src/org/doctorFacts.ts: one retrieve and a few queries), reads the app
 * through THE app reader (src/domain/app), judges everything with the catalogue in
 * src/domain/doctor/checks.ts and, when the user gave the key or the secret, ends with token
 * verify's operation (a real token request). No secret is needed for the rest.
 *
 * The consumer secret is read only through readSecret (ECA_CLIENT_SECRET or standard input) and
 * handed to verifyToken in memory; every error that leaves is redacted of it.
 */
import { readFile } from 'node:fs/promises';
import { Messages, SfError } from '@salesforce/core';
import { type AppSettings, readEca } from '../domain/app/index.js';
import { countStatuses, type DoctorCheck, type DoctorStatus, doctorVerdict, type DoctorVerdict, runDoctorChecks } from '../domain/doctor/checks.js';
import type { AppFinding, DoctorFacts, DoctorUser, TokenOutcome } from '../domain/doctor/facts.js';
import { CLIENT_SECRET_ENV, type TokenFlow } from '../domain/token/flows.js';
import { type KeyCertificateMatch, matchKeyToCertificate, PrivateKeyError, readPrivateKey } from '../domain/token/keys.js';
import { redactError } from '../domain/token/redact.js';
import { readSecret } from '../domain/token/secret.js';
import { readDoctorOrg, readDoctorUsers, type DoctorOrgRead } from '../org/doctorFacts.js';
import { openSession, type OrgRef } from '../org/session.js';
import { EXIT_CODES } from '../shared/exitCodes.js';
import { type OnProgress, progressTo } from '../shared/progressEvents.js';
import { verifyToken } from './tokenVerify.js';

export type { DoctorCheck, DoctorStatus, DoctorVerdict } from '../domain/doctor/checks.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.doctor');

export type DoctorResult = {
  /** developer name of the app */
  app: string;
  /** the org as the command line named it */
  org: string;
  orgId: string;
  flow: TokenFlow;
  /** why this flow: --flow, the only server-to-server flow the app allows, or the default */
  flowChosenBy: 'flag' | 'key-file' | 'app' | 'default';
  /** --username, when given */
  username?: string;
  /** passed: nothing failed (warnings do not fail unless failOn is warn); incomplete: a check could not be read */
  verdict: DoctorVerdict;
  failOn: 'fail' | 'warn';
  summary: Record<DoctorStatus, number>;
  checks: DoctorCheck[];
};

export type DoctorInput = {
  org: OrgRef;
  apiVersion?: string;
  name: string;
  flow?: TokenFlow;
  username?: string;
  jwtKeyFile?: string;
  secretStdin: boolean;
  failOn: 'fail' | 'warn';
  stdin?: AsyncIterable<Buffer | string> & { isTTY?: boolean };
  env?: Readonly<Record<string, string | undefined>>;
};

/** The exit code of a verdict, from the one table. */
export function doctorExitCode(verdict: DoctorVerdict): number {
  return verdict === 'passed' ? EXIT_CODES.doctor.Passed : verdict === 'failed' ? EXIT_CODES.doctor.Failed : EXIT_CODES.doctor.Incomplete;
}

/** Stages: `Reading` (data: app, org), `Verifying` (data: flow). */
export async function runDoctor(input: DoctorInput, onProgress?: OnProgress): Promise<DoctorResult> {
  const progress = progressTo(onProgress);
  const secrets: string[] = [];
  try {
    const credentials = await readCredentials(input, secrets);
    const session = await openSession(input.org, { apiVersion: input.apiVersion });
    progress({ stage: 'Reading', data: { app: input.name, org: input.org.name } });
    const read = await readDoctorOrg(session, input.name);
    const app = findApp(read, input.name);
    const settings = app.kind === 'eca' ? app.settings : undefined;
    const { flow, by } = chooseFlow(input, settings);
    checkFlowInput(input, flow);
    const runAs = settings?.runAsUser;
    const userNames = [flow === 'jwt-bearer' ? input.username : undefined, flow === 'client-credentials' ? runAs : undefined].filter((u): u is string => Boolean(u));
    const wantsApproval = flow === 'jwt-bearer' && Boolean(input.username) && settings !== undefined && settings.permittedUsers !== 'AdminApprovedPreAuthorized';
    const users = await readDoctorUsers(session, {
      usernames: userNames,
      app: settings ? { id: settings.id, name: settings.name, label: settings.label } : undefined,
      approvalOf: wantsApproval ? input.username : undefined,
    });
    const now = new Date();
    const user = (name?: string): DoctorUser | undefined => (name ? users.users.get(name.toLowerCase()) : undefined);
    const key = credentials.privateKeyPem && settings ? keyMatch(credentials.privateKeyPem, settings, now) : undefined;
    const facts: DoctorFacts = {
      org: input.org.name,
      orgId: session.orgId,
      instanceUrl: session.instanceUrl,
      isSandbox: read.isSandbox,
      myDomainUrl: read.myDomainUrl,
      isDevHub: read.isDevHub,
      settings: read.apps.settings as DoctorFacts['settings'],
      app,
      appSavedAt: users.appSavedAt,
      username: input.username,
      user: flow === 'jwt-bearer' ? user(input.username) : undefined,
      runAsUser: flow === 'client-credentials' ? user(runAs) : undefined,
      approved: users.approved,
      keyFile: flow === 'jwt-bearer' ? input.jwtKeyFile : undefined,
      key,
      unread: { ...read.unread, ...users.unread },
      now,
    };
    const canProve = flow === 'client-credentials' ? credentials.clientSecret !== undefined : credentials.privateKeyPem !== undefined;
    if (app.kind === 'eca' && canProve) {
      progress({ stage: 'Verifying', data: { flow } });
      facts.token = await proveToken(input, flow, credentials);
    }
    const checks = runDoctorChecks(facts, { flow, name: input.name });
    return {
      app: input.name,
      org: input.org.name,
      orgId: session.orgId,
      flow,
      flowChosenBy: by,
      username: input.username,
      verdict: doctorVerdict(checks, input.failOn),
      failOn: input.failOn,
      summary: countStatuses(checks),
      checks,
    };
  } catch (e) {
    throw redactError(e, secrets);
  }
}

function findApp(read: DoctorOrgRead, name: string): AppFinding {
  const eca = read.apps.ecas.find((e) => e.name === name);
  if (eca) return { kind: 'eca', settings: readEca(eca) };
  if (read.apps.connectedApps.some((c) => c.fullName === name)) return { kind: 'connectedApp' };
  if (read.installed) return { kind: 'installed', installed: read.installed };
  return { kind: 'missing', available: read.apps.ecas.map((e) => e.name) };
}

/** --flow; else --jwt-key-file; else the one server-to-server flow the app allows; else by --username. */
function chooseFlow(input: DoctorInput, app: AppSettings | undefined): { flow: TokenFlow; by: DoctorResult['flowChosenBy'] } {
  if (input.flow) return { flow: input.flow, by: 'flag' };
  if (input.jwtKeyFile) return { flow: 'jwt-bearer', by: 'key-file' };
  const cc = app?.flows.clientCredentials === true;
  const jwt = app?.flows.jwtBearer === true;
  if (cc !== jwt) return { flow: cc ? 'client-credentials' : 'jwt-bearer', by: 'app' };
  return { flow: input.username ? 'jwt-bearer' : 'client-credentials', by: 'default' };
}

type Credentials = { clientSecret?: string; privateKeyPem?: string };

/** The secret (client credentials) or the key (JWT bearer), read before the org is. */
async function readCredentials(input: DoctorInput, secrets: string[]): Promise<Credentials> {
  if (input.jwtKeyFile && input.secretStdin) throw usage(messages.createError('error.KeyAndSecret'));
  if (input.jwtKeyFile) {
    if (input.flow === 'client-credentials') throw usage(messages.createError('error.FlagNotForFlow', ['--jwt-key-file', 'jwt-bearer']));
    if (!input.username) throw usage(messages.createError('error.KeyNeedsUsername', [input.jwtKeyFile]));
    return { privateKeyPem: await readKeyFile(input.jwtKeyFile) };
  }
  const env = input.env ?? process.env;
  if (input.flow === 'jwt-bearer' && input.secretStdin) throw usage(messages.createError('error.FlagNotForFlow', ['--secret-stdin', 'client-credentials']));
  if (!input.secretStdin && env[CLIENT_SECRET_ENV] === undefined) return {};
  const read = await readSecret({ envName: CLIENT_SECRET_ENV, fromStdin: input.secretStdin, stdin: input.stdin ?? process.stdin, env });
  if ('problem' in read) {
    const e = messages.createError(`error.Secret.${read.problem}`, read.problem === 'empty' || read.problem === 'missing' ? [input.secretStdin ? 'standard input' : CLIENT_SECRET_ENV] : []);
    throw usage(new SfError(e.message, 'UnusableSecretError', e.actions));
  }
  secrets.push(read.secret);
  return { clientSecret: read.secret };
}

/** A secret only means something for client credentials, a key only for JWT bearer. */
function checkFlowInput(input: DoctorInput, flow: TokenFlow): void {
  if (input.secretStdin && flow === 'jwt-bearer') throw usage(messages.createError('error.FlagNotForFlow', ['--secret-stdin', 'client-credentials']));
}

async function readKeyFile(file: string): Promise<string> {
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch (e) {
    throw usage(messages.createError('error.KeyFileUnreadable', [file, e instanceof Error ? e.message : String(e)]));
  }
  try {
    readPrivateKey(pem);
  } catch (e) {
    if (e instanceof PrivateKeyError) throw usage(messages.createError('error.KeyNotUsable', [file, e.message]));
    throw e;
  }
  return pem;
}

function usage(e: SfError): SfError {
  e.exitCode = EXIT_CODES.doctor.Usage;
  return e;
}

function keyMatch(pem: string, app: AppSettings, now: Date): KeyCertificateMatch | undefined {
  return matchKeyToCertificate(readPrivateKey(pem), app.certificateText, now);
}

/** Token verify's operation with the credentials in hand; its refusal becomes the token check's FAIL. */
async function proveToken(input: DoctorInput, flow: TokenFlow, credentials: Credentials): Promise<TokenOutcome> {
  try {
    const r = await verifyToken({
      name: input.name,
      flow,
      'secret-stdin': false,
      username: flow === 'jwt-bearer' ? input.username : undefined,
      'jwt-key-file': flow === 'jwt-bearer' ? input.jwtKeyFile : undefined,
      org: input.org,
      apiVersion: input.apiVersion,
      credentials,
    });
    return { outcome: 'verified', username: r.user.username, scopes: r.scopes, proof: r.proof.userinfo ? 'userinfo and the REST API' : 'the REST API', warnings: r.warnings };
  } catch (e) {
    const err = e instanceof SfError ? e : SfError.wrap(e instanceof Error ? e : new Error(String(e)));
    const refused = err.name === 'TokenRefusedError' || err.name === 'TokenUnusableError';
    const cause = (err.data as { cause?: string } | undefined)?.cause;
    return { outcome: refused ? 'refused' : 'error', message: err.message, actions: err.actions ?? [], ...(refused && cause ? { cause } : {}) };
  }
}
