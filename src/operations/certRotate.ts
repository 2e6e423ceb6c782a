/**
 * `sf eca cert rotate`: a new certificate for a JWT bearer External Client App. A JWT app holds
 * one certificate (its global OAuth settings); once a new one replaces it the old key stops
 * working, so the new key reaches the pipeline first: it is made (selfsigned, or taken with
 * --certificate and --key-file), delivered to one sink (--key-dir: a file with mode 0600, or
 * --to-command: the key on standard input), then the certificate is deployed, and the new key
 * proves a JWT bearer login for --username with the token-verify operation. If the proof fails,
 * the previous certificate is deployed again (the old key works again) and the command says so.
 *
 * The private key is never printed, logged, put in --json or written anywhere but the sink; the
 * deploy carries the certificate only (never the consumer secret a retrieve may return).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Messages, SfError } from '@salesforce/core';
import { parseCertificate, toPem } from '../domain/certificate.js';
import type { MetadataValues } from '../domain/xml.js';
import { matchKeyToCertificate, readPrivateKey } from '../domain/token/keys.js';
import { redactError } from '../domain/token/redact.js';
import { readEcaRecords } from '../org/ecaRecords.js';
import { DeployTimeoutError, type DeployOutcome } from '../org/orgAccess.js';
import { openSession, type OrgRef, type Session } from '../org/session.js';
import { EXIT_CODES } from '../shared/exitCodes.js';
import { writeFilesAtomically, existingFiles } from '../shared/files.js';
import { generateKeyAndCertificate } from '../shared/keys.js';
import { type OnProgress, progressTo } from '../shared/progressEvents.js';
import { chooseSink, deliver, prepareSink, type PreparedSink, type SinkReceipt } from '../shared/secretSink.js';
import { proveLogin } from './credentials.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.cert.rotate');
const credentialsMessages = Messages.loadMessages('plugin-eca', 'eca.credentials');

const GLOBAL_OAUTH = 'ExtlClntAppGlobalOauthSettings';

export type CertRotateInput = {
  org: OrgRef;
  apiVersion?: string;
  name: string;
  /** the user whose JWT bearer login proves the new key */
  username: string;
  /** folder for the new key (and certificate) files */
  'key-dir'?: string;
  /** command that reads the new key on its standard input */
  'to-command'?: string;
  /** a certificate to use instead of a generated one, with its private key */
  certificate?: string;
  'key-file'?: string;
  certValidityDays: number;
  dryRun: boolean;
  waitSeconds: number;
  /** deploy wait, in seconds */
  deployWaitSeconds?: number;
  cwd?: string;
  now?: Date;
};

export type CertificateSummary = { subject: string; validTo: string; fingerprint256: string };

export type CertRotateResult = {
  app: string;
  appId: string;
  org: string;
  username: string;
  orgId: string;
  dryRun: boolean;
  /** the user whose JWT bearer login proved the new key */
  jwtUsername: string;
  consumerKey?: string;
  certificate: CertificateSummary & { generated: boolean; file?: string };
  previousCertificate?: CertificateSummary;
  /** where the new private key went (never the key); undefined with --certificate/--key-file or --dry-run */
  key?: SinkReceipt;
  deployId?: string;
  verification: { verified: boolean; attempts?: number; audience?: string };
  /** the sf org login jwt line for the new key */
  loginCommand?: string;
  plan: string[];
  warnings: string[];
};

/** The stages this run goes through (the restore after a failed proof is said in the error). */
export function certRotateStages(input: Pick<CertRotateInput, 'dryRun' | 'certificate'>): string[] {
  if (input.dryRun) return ['Reading the app', 'Checking the certificate'];
  return ['Reading the app', ...(input.certificate ? [] : ['Delivering the new key']), 'Deploying the certificate', 'Verifying the new key'];
}

type Planned = { keyPem: string; certPem: string; generated: boolean; sink?: PreparedSink; certFile?: string };

export async function rotateCertificate(input: CertRotateInput, onProgress?: OnProgress): Promise<CertRotateResult> {
  const progress = progressTo(onProgress);
  const secrets: string[] = [];
  const now = input.now ?? new Date();
  try {
    const stamp = now.toISOString().replace(/[-:.]/g, '');
    const planned = await plan(input, stamp, now, secrets);
    progress({ stage: 'Reading the app', data: { app: input.name } });
    const s = await openSession(input.org, { apiVersion: input.apiVersion });
    const { appId, global } = await readJwtApp(s, input.name);
    const previousPem = global.values.certificate as string;
    const previous = summary(previousPem, now);
    const next = { ...summary(planned.certPem, now), generated: planned.generated, ...(planned.certFile ? { file: planned.certFile } : {}) };
    const consumerKey = typeof global.values.consumerKey === 'string' ? global.values.consumerKey : undefined;
    const base = {
      app: input.name,
      appId,
      org: s.name,
      username: s.username,
      orgId: s.orgId,
      jwtUsername: input.username,
      consumerKey,
      certificate: next,
      previousCertificate: previous,
      plan: [
        planned.generated ? messages.getMessage('plan.generate', [String(input.certValidityDays)]) : messages.getMessage('plan.given', [input.certificate ?? '']),
        planned.sink ? messages.getMessage('plan.deliver', [sinkName(planned.sink)]) : messages.getMessage('plan.keyKept', [input['key-file'] ?? '']),
        messages.getMessage('plan.deploy', [next.fingerprint256]),
        messages.getMessage('plan.verify', [input.username]),
        messages.getMessage('plan.restore', [previous?.fingerprint256 ?? '?']),
      ],
      warnings: [] as string[],
    };
    const withCert = (pem: string): MetadataValues => {
      // the deploy carries the certificate; never the consumer secret a retrieve may have returned
      const { consumerSecret: _dropped, ...values } = global.values;
      return { ...values, certificate: pem };
    };
    const component = (pem: string): { type: string; fullName: string; values: MetadataValues } => ({ type: GLOBAL_OAUTH, fullName: global.fullName, values: withCert(pem) });

    if (input.dryRun) {
      progress({ stage: 'Checking the certificate' });
      const check = await deploy(s, component(toPem(planned.certPem)), true, input);
      if (!check.success) throw deployFailed(check, input.name, undefined);
      return { ...base, dryRun: true, deployId: check.id, verification: { verified: false } };
    }

    // the new key reaches its sink before the certificate changes: the pipeline has it first
    if (planned.sink) progress({ stage: 'Delivering the new key' });
    const key = planned.sink ? await deliver(planned.sink, { value: planned.keyPem, name: 'ECA_JWT_KEY' }) : undefined;
    if (planned.certFile) await writeFilesAtomically([{ path: planned.certFile, content: toPem(planned.certPem) }]);

    progress({ stage: 'Deploying the certificate' });
    const outcome = await deploy(s, component(toPem(planned.certPem)), false, input);
    progress({ data: { deployId: outcome.id } });
    if (!outcome.success) throw deployFailed(outcome, input.name, key);

    progress({ stage: 'Verifying the new key' });
    try {
      const proved = await proveLogin(
        { org: { name: s.name, org: s.org }, apiVersion: s.apiVersion, name: input.name, flow: 'jwt-bearer', username: input.username, 'secret-stdin': false, credentials: { privateKeyPem: planned.keyPem } },
        { waitSeconds: input.waitSeconds, onRetry: (n, cause) => progress({ data: { status: `trying again (${n + 1}): ${cause}` } }) }
      );
      const keyFile = key?.kind === 'file' ? key.path : input['key-file'];
      const audience = proved.audienceSource === 'sandbox' ? 'SF_AUDIENCE_URL=https://test.salesforce.com ' : '';
      return {
        ...base,
        dryRun: false,
        consumerKey: proved.consumerKey,
        key,
        deployId: outcome.id,
        verification: { verified: true, attempts: proved.attempts, audience: proved.audience },
        loginCommand: `${audience}sf org login jwt --client-id ${proved.consumerKey} --jwt-key-file ${keyFile ?? '<the new key>'} --username ${input.username} --instance-url ${s.instanceUrl} --alias ${input.name.toLowerCase()}`,
      };
    } catch (e) {
      progress({ data: { restoring: 'the previous certificate' } });
      throw await restoreAfter(e, s, component(previousPem), input, key);
    }
  } catch (e) {
    throw redactError(e, secrets);
  }
}

/** Everything checked before the org is read: the sink, the key and certificate. */
async function plan(input: CertRotateInput, stamp: string, now: Date, secrets: string[]): Promise<Planned> {
  if (input.certificate) {
    if (!input['key-file']) throw messages.createError('error.KeyFileNeeded');
    const [certPem, keyPem] = await Promise.all([readText(input.certificate, 'certificate'), readText(input['key-file'], 'key')]);
    secrets.push(keyPem);
    let info;
    try {
      info = parseCertificate(certPem, now);
    } catch (e) {
      throw messages.createError('error.CertificateInvalid', [input.certificate, e instanceof Error ? e.message : String(e)]);
    }
    if (info.daysLeft < 0) throw messages.createError('error.CertificateExpired', [input.certificate, info.validTo]);
    let match;
    try {
      match = matchKeyToCertificate(readPrivateKey(keyPem), certPem, now);
    } catch (e) {
      throw messages.createError('error.KeyInvalid', [input['key-file'], e instanceof Error ? e.message : String(e)]);
    }
    if (!match?.matches) throw messages.createError('error.KeyNotCertificates', [input['key-file'], input.certificate]);
    return { keyPem, certPem, generated: false };
  }
  const file = input['key-dir'] ? { path: join(input['key-dir'], `${input.name}-${stamp}.key`), flag: '--key-dir' } : undefined;
  const spec = chooseSink({ 'to-command': input['to-command'] }, { required: true, file });
  const sink = await prepareSink(spec as NonNullable<typeof spec>, input.cwd);
  const certFile = sink.kind === 'file' ? sink.target.replace(/\.key$/, '.crt') : undefined;
  if (sink.kind === 'file' && (await existingFiles([sink.target, certFile as string])).length) throw messages.createError('error.KeyExists', [sink.target]);
  const made = await generateKeyAndCertificate(input.name, input.certValidityDays, now);
  secrets.push(made.privateKeyPem);
  return { keyPem: made.privateKeyPem, certPem: made.certificatePem, generated: true, sink, certFile };
}

async function readText(path: string, what: 'certificate' | 'key'): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw messages.createError(what === 'certificate' ? 'error.CertificateUnreadable' : 'error.KeyUnreadable', [path, e instanceof Error ? e.message : String(e)]);
  }
}

/** The app's record id and its global OAuth settings, which must hold a certificate. */
async function readJwtApp(s: Session, name: string): Promise<{ appId: string; global: { fullName: string; values: MetadataValues } }> {
  const records = await readEcaRecords(s.access);
  const app = records.find((r) => r.name === name);
  if (!app) throw credentialsMessages.createError('error.AppNotFound', [name, s.name], [records.map((r) => r.name).sort().slice(0, 20).join(', ') || '(none)', s.name]);
  if (app.namespacePrefix) throw messages.createError('error.Installed', [name, s.name]);
  const globals = await s.access.retrieve([{ type: GLOBAL_OAUTH, fullName: '*' }]);
  const global = globals.find((c) => c.values.externalClientApplication === app.developerName);
  if (!global) throw messages.createError('error.NoOauth', [name, s.name], [name, s.name]);
  if (typeof global.values.certificate !== 'string' || global.values.certificate.trim() === '') throw messages.createError('error.NotJwt', [name, s.name]);
  return { appId: app.id, global: { fullName: global.fullName, values: global.values } };
}

async function deploy(s: Session, component: { type: string; fullName: string; values: MetadataValues }, checkOnly: boolean, input: CertRotateInput): Promise<DeployOutcome> {
  try {
    return await s.access.deploy([component], { checkOnly, timeoutSeconds: input.deployWaitSeconds });
  } catch (e) {
    if (e instanceof DeployTimeoutError) throw messages.createError('error.Timeout', [e.jobId, input.name], [e.jobId, s.name], EXIT_CODES.certRotate.InProgress);
    throw e;
  }
}

function summary(pem: string, now: Date): CertificateSummary {
  const info = parseCertificate(pem, now);
  return { subject: info.subject, validTo: info.validTo, fingerprint256: info.fingerprint256 };
}

function sinkName(sink: PreparedSink): string {
  return sink.kind === 'command' ? `"${sink.command}"` : sink.path;
}

function keyWords(key: SinkReceipt | undefined): string {
  return key === undefined ? '' : key.kind === 'command' ? messages.getMessage('key.command', [key.command ?? '']) : messages.getMessage('key.file', [key.path ?? '']);
}

function deployFailed(outcome: DeployOutcome, app: string, key: SinkReceipt | undefined): SfError {
  const lines = outcome.failures.map((f) => `  ${f.type}:${f.fullName}: ${f.problem}`).join('\n') || outcome.status;
  return messages.createError('error.DeployFailed', [app, outcome.id, lines, key ? messages.getMessage('unused', [keyWords(key)]) : '']);
}

/**
 * The proof failed: the previous certificate goes back (tried twice). Restored: CertificateRefusedError
 * (exit 3) with the proof's explanation. Not restored: a loud error saying what the org holds now.
 */
async function restoreAfter(proof: unknown, s: Session, previous: { type: string; fullName: string; values: MetadataValues }, input: CertRotateInput, key: SinkReceipt | undefined): Promise<Error> {
  const why = proof instanceof Error ? proof.message : String(proof);
  const proofActions = (proof as { actions?: string[] }).actions ?? [];
  let last = '';
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      // a repair: it runs even after Ctrl-C (src/org/interrupts.ts)
      const outcome = await s.access.deploy([previous], { checkOnly: false, cleanup: true, timeoutSeconds: input.deployWaitSeconds });
      if (outcome.success) {
        return SfError.create({
          name: 'CertificateRefusedError',
          message: messages.getMessage('error.Refused', [input.name, input.username, why, key ? messages.getMessage('unused', [keyWords(key)]) : '']),
          actions: proofActions,
          exitCode: EXIT_CODES.certRotate.Refused,
          data: (proof as { data?: SfError['data'] }).data,
        });
      }
      last = outcome.failures.map((f) => f.problem).join('; ') || outcome.status;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
  }
  return SfError.create({
    name: 'CertificateNotRestoredError',
    message: messages.getMessage('error.NotRestored', [input.name, s.name, why, last, keyWords(key)]),
    actions: [...proofActions, messages.getMessage('error.NotRestored.action', [input.name, s.name])],
    exitCode: EXIT_CODES.certRotate.Failed,
  });
}
