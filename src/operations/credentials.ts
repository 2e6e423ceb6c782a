/**
 * What the `sf eca credentials` operations share: open the org, find the app by name (one query),
 * refuse an unknown or packaged app by name before any credentials request, pick the app's OAuth
 * consumer, run the work with REST access to secrets (turned on for the command only with
 * --allow-secret-access, off again afterwards), and prove credentials with the token-verify
 * operation, waiting while Salesforce propagates a change.
 */
import { Logger, Messages } from '@salesforce/core';
import { readConnectedApplicationNames } from '../org/apps.js';
import { type EcaRecord, isLocalEca, readEcaRecords } from '../org/ecaRecords.js';
import { type OAuthConsumer, OAuthCredentialsClient } from '../org/oauthCredentials.js';
import { type SecretAccessChange, withSecretAccess } from '../org/orgSettings.js';
import { openSession, type OrgRef, type Session } from '../org/session.js';
import type { OnProgress } from '../shared/progressEvents.js';
import type { VerifyInput, VerifyResult } from './tokenVerify.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.credentials');

/** The flags every credentials command takes, as the user types them. */
export type CredentialsFlags = {
  name: string;
  /** the consumer to act on when the app has several (its consumer key) */
  'consumer-key'?: string;
  'allow-secret-access': boolean;
};

export type CredentialsInput = CredentialsFlags & { org: OrgRef; apiVersion?: string };

/** Whether the command had to turn the org setting on: never a secret. */
export type SecretAccessReport = {
  /** "Allow access to External Client App consumer secrets via REST API" was on before the command */
  wasOn: boolean;
  /** the command turned it on for its own duration and off again */
  turnedOnForCommand: boolean;
};

/** What every credentials result starts with: the app and the org (never a secret). */
export type CredentialsResultBase = {
  app: string;
  /** ExternalClientApplication record id */
  appId: string;
  /** the org as the user named it */
  org: string;
  username: string;
  orgId: string;
  /** the OAuth consumer acted on */
  consumerId: string;
};

export type AppContext = { s: Session; app: EcaRecord; client: OAuthCredentialsClient; log: Logger };

/** The words shown beside the stages while the setting changes. */
const ACCESS_WORDS: Readonly<Record<SecretAccessChange, string>> = {
  'turning-on': 'turning on for this command',
  on: 'on for this command',
  'turning-off': 'turning off again',
  'off-again': 'off again',
};

/** Opens the org and finds the app: an unknown, Connected or packaged app is a named error with actions. */
export async function openApp(input: { org: OrgRef; apiVersion?: string; name: string }, what: string): Promise<AppContext> {
  const log = Logger.childFromRoot('eca:credentials');
  const s = await openSession(input.org, { apiVersion: input.apiVersion });
  log.trace(`${what}: reading the apps of ${s.name}`);
  const records = await readEcaRecords(s.access);
  const app = records.find((r) => r.name === input.name) ?? records.find((r) => r.developerName === input.name);
  if (!app) {
    const connected: string[] = await readConnectedApplicationNames(s.access).catch(() => []);
    if (connected.includes(input.name)) throw messages.createError('error.IsConnectedApp', [input.name, s.name], [s.name]);
    const names = records.map((r) => r.name).sort();
    throw messages.createError('error.AppNotFound', [input.name, s.name], [names.slice(0, 20).join(', ') || '(none)', s.name]);
  }
  if (!isLocalEca(app)) throw messages.createError('error.Packaged', [app.name, s.name, app.distributionState ?? 'Packaged']);
  return { s, app, client: new OAuthCredentialsClient(s), log };
}

/** The consumer to act on: the only one, or the one --consumer-key names. */
export async function pickConsumer(ctx: AppContext, consumerKey: string | undefined): Promise<OAuthConsumer> {
  const consumers = await ctx.client.listConsumers(ctx.app.id);
  if (consumers.length === 0) throw messages.createError('error.NoConsumer', [ctx.app.name, ctx.s.name], [ctx.app.name, ctx.s.name]);
  if (consumerKey !== undefined) {
    const found = consumers.find((c) => c.key === consumerKey);
    if (!found) throw messages.createError('error.ConsumerKeyUnknown', [ctx.app.name, consumerKey], [consumers.map((c) => c.key ?? c.id).join(', ')]);
    return found;
  }
  if (consumers.length > 1) throw messages.createError('error.ManyConsumers', [ctx.app.name, String(consumers.length)], [consumers.map((c) => c.key ?? c.id).join(', ')]);
  return consumers[0];
}

/**
 * Runs the work with REST access to consumer secrets. The stages show the setting's changes
 * (data key `secretAccess`); `describe` says what the work did if the setting cannot be turned off.
 */
export async function withCredentialsAccess<T>(
  ctx: AppContext,
  allow: boolean,
  onProgress: OnProgress,
  work: () => Promise<T>,
  describe?: (value: T) => string
): Promise<{ value: T; secretAccess: SecretAccessReport }> {
  onProgress({ data: { secretAccess: 'checking the org setting' } });
  const { value, access } = await withSecretAccess(
    ctx.s,
    {
      allow,
      onChange: (c) => {
        ctx.log.trace(`secret access: ${c}`);
        onProgress({ data: { secretAccess: ACCESS_WORDS[c] } });
      },
      describe: describe ? (v): string => describe(v as T) : undefined,
    },
    work
  );
  if (!access.changed) onProgress({ data: { secretAccess: 'on already (unchanged)' } });
  return { value, secretAccess: { wasOn: access.wasOn, turnedOnForCommand: access.changed } };
}

/** Refusals that a change in the org can cause for a while (Salesforce propagates a saved app or new credentials). */
const PROPAGATING = new Set(['app-just-saved', 'app-propagating', 'service-unavailable', 'client-id-unknown']);

export type ProofOptions = {
  /** how long to keep trying while the refusal looks like propagation, in seconds (0: once) */
  readonly waitSeconds: number;
  /** between tries (default 15 s) */
  readonly intervalMs?: number;
  readonly onRetry?: (attempt: number, cause: string) => void;
};

/**
 * Proves a login with the token-verify operation and credentials in hand. A refusal that looks
 * like propagation is tried again until `waitSeconds` have passed; any other refusal, or the last
 * one, is thrown as token verify names it (TokenRefusedError, exit 3 there).
 */
export async function proveLogin(input: VerifyInput, options: ProofOptions): Promise<VerifyResult & { attempts: number }> {
  const { verifyToken } = await import('./tokenVerify.js');
  const deadline = Date.now() + options.waitSeconds * 1000;
  for (let attempt = 1; ; attempt++) {
    try {
      return { ...(await verifyToken(input)), attempts: attempt };
    } catch (e) {
      const cause = (e as { data?: { cause?: unknown } }).data?.cause;
      const interval = options.intervalMs ?? 15_000;
      if (typeof cause !== 'string' || !PROPAGATING.has(cause) || Date.now() + interval > deadline) throw e;
      options.onRetry?.(attempt, cause);
      await new Promise((r) => setTimeout(r, interval));
    }
  }
}

/** "sf eca credentials rotate --name X --target-org dev": the next command, with the org the user typed. */
export function nextCommand(command: string, app: string, org: string, extra = ''): string {
  return `sf eca credentials ${command} --name ${app} --target-org ${org}${extra}`;
}
