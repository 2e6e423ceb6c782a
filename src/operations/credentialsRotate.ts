/**
 * `sf eca credentials rotate`: promotes the staged credentials of a local External Client App to
 * primary, after proving them with the token-verify operation (client credentials against the
 * org's My Domain, with the staged key and secret read from the org and held in memory only).
 * Credentials that do not prove a login are never promoted. With --revoke-previous the previous
 * credentials are deleted after the promotion; without it they keep working until `revoke` or
 * their expiry. --dry-run proves the staged credentials and changes nothing.
 */
import { Messages, SfError } from '@salesforce/core';
import { redactError } from '../domain/token/redact.js';
import { EXIT_CODES } from '../shared/exitCodes.js';
import { type OnProgress, progressTo } from '../shared/progressEvents.js';
import { type AppContext, type CredentialsInput, type CredentialsResultBase, nextCommand, openApp, pickConsumer, proveLogin, type SecretAccessReport, withCredentialsAccess } from './credentials.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.credentials.rotate');

export type RotateInput = CredentialsInput & {
  'revoke-previous': boolean;
  'dry-run': boolean;
  /** promote without proving a login (an app without the client credentials flow) */
  'skip-verify': boolean;
  /** how long to keep trying the login while Salesforce propagates the new credentials, in seconds */
  waitSeconds: number;
};

export type RotateResult = CredentialsResultBase & {
  dryRun: boolean;
  stagedId: string;
  /** the promoted (new primary) consumer key; not a secret */
  consumerKey: string;
  /** the consumer key before the rotation */
  previousConsumerKey?: string;
  verification: {
    verified: boolean;
    /** --skip-verify */
    skipped: boolean;
    flow: 'client-credentials';
    tokenEndpoint?: string;
    /** the run-as user the token was for */
    user?: string;
    scopes?: string[];
    attempts?: number;
  };
  promoted: boolean;
  previous: {
    /** the previous credentials' staged id after the rotation */
    id?: string;
    revoked: boolean;
    /** ISO 8601: when they stop working if not revoked */
    validUntil?: string;
    /** why they could not be revoked (exit 68) */
    error?: string;
  };
  /** the steps, in order, as done or (with --dry-run) as they would be done */
  plan: string[];
  secretAccess: SecretAccessReport;
  next: string[];
  warnings: string[];
};

/** The exit-code row of a rotation: the previous credentials asked to be revoked and still working is a partial success (68). */
export function rotateOutcome(r: RotateResult): 'Rotated' | 'PartialSuccess' {
  return r.previous.error !== undefined ? 'PartialSuccess' : 'Rotated';
}

/** The stages this run goes through, in order (a stage that will not run is not shown). */
export function rotateStages(input: Pick<RotateInput, 'dry-run' | 'skip-verify' | 'revoke-previous'>): string[] {
  return [
    'Reading the app',
    ...(input['skip-verify'] ? [] : ['Verifying the staged credentials']),
    ...(input['dry-run'] ? [] : ['Promoting', ...(input['revoke-previous'] ? ['Revoking the previous credentials'] : [])]),
  ];
}

export async function rotateCredentials(input: RotateInput, onProgress?: OnProgress): Promise<RotateResult> {
  const progress = progressTo(onProgress);
  const secrets: string[] = [];
  try {
    progress({ stage: 'Reading the app', data: { app: input.name } });
    const ctx = await openApp(input, 'rotate');
    const { value, secretAccess } = await withCredentialsAccess(
      ctx,
      input['allow-secret-access'],
      progress,
      () => rotate(ctx, input, secrets, progress),
      (v) => messages.getMessage(v.promoted ? 'describe.promoted' : 'describe.verified', [v.stagedId, v.consumerKey])
    );
    const extra = secretAccess.turnedOnForCommand ? ' --allow-secret-access' : '';
    const next =
      value.dryRun ? [nextCommand('rotate', ctx.app.name, ctx.s.name, `${input['revoke-previous'] ? ' --revoke-previous' : ''}${extra}`)]
      : value.promoted && !value.previous.revoked ? [nextCommand('revoke', ctx.app.name, ctx.s.name, extra)]
      : [];
    return { ...value, secretAccess, next };
  } catch (e) {
    throw redactError(e, secrets);
  }
}

async function rotate(ctx: AppContext, input: RotateInput, secrets: string[], progress: OnProgress): Promise<Omit<RotateResult, 'secretAccess' | 'next'>> {
  const consumer = await pickConsumer(ctx, input['consumer-key']);
  const slot = await ctx.client.getStaged(ctx.app.id, consumer.id);
  if (!slot) throw messages.createError('error.NothingStaged', [ctx.app.name, ctx.s.name], [nextCommand('stage', ctx.app.name, ctx.s.name, ' --to-command "gh secret set ECA_CLIENT_SECRET"')]);
  if (slot.state === 'Rotated') {
    throw messages.createError('error.AlreadyRotated', [ctx.app.name, slot.key ?? slot.id, slot.expirationDate?.slice(0, 10) ?? '?'], [nextCommand('revoke', ctx.app.name, ctx.s.name), nextCommand('stage', ctx.app.name, ctx.s.name, ' --revoke-previous ...')]);
  }
  if (slot.state !== 'Active') throw messages.createError('error.StagedNotActive', [ctx.app.name, slot.state], [nextCommand('stage', ctx.app.name, ctx.s.name)]);
  if (!slot.secret || !slot.key) throw messages.createError('error.StagedUnreadable', [ctx.app.name]);
  secrets.push(slot.secret);
  const plan = [
    input['skip-verify'] ? messages.getMessage('plan.skipVerify') : messages.getMessage('plan.verify', [slot.key]),
    messages.getMessage('plan.promote', [slot.id]),
    input['revoke-previous'] ? messages.getMessage('plan.revoke', [consumer.key ?? '']) : messages.getMessage('plan.keep', [consumer.key ?? '']),
  ];
  const warnings: string[] = [];

  let verification: RotateResult['verification'] = { verified: false, skipped: true, flow: 'client-credentials' };
  if (input['skip-verify']) {
    warnings.push(messages.getMessage('warn.skipVerify', [ctx.app.name]));
  } else {
    progress({ stage: 'Verifying the staged credentials', data: { stagedId: slot.id } });
    ctx.log.trace(`rotate: proving the staged credentials ${slot.id} with client credentials`);
    try {
      const proved = await proveLogin(
        { org: { name: ctx.s.name, org: ctx.s.org }, apiVersion: ctx.s.apiVersion, name: ctx.app.name, flow: 'client-credentials', 'client-id': slot.key, 'secret-stdin': false, credentials: { clientSecret: slot.secret } },
        { waitSeconds: input.waitSeconds, onRetry: (n, cause) => progress({ data: { stagedId: `${slot.id} (trying again ${n + 1}: ${cause})` } }) }
      );
      verification = { verified: true, skipped: false, flow: 'client-credentials', tokenEndpoint: proved.tokenEndpoint, user: proved.user.username, scopes: proved.scopes, attempts: proved.attempts };
    } catch (e) {
      throw refused(e, ctx, slot.id);
    }
  }
  const base = {
    app: ctx.app.name,
    appId: ctx.app.id,
    org: ctx.s.name,
    username: ctx.s.username,
    orgId: ctx.s.orgId,
    consumerId: consumer.id,
    stagedId: slot.id,
    consumerKey: slot.key,
    previousConsumerKey: consumer.key,
    verification,
    plan,
    warnings,
  };
  if (input['dry-run']) {
    return { ...base, dryRun: true, promoted: false, previous: { revoked: false } };
  }

  progress({ stage: 'Promoting' });
  ctx.log.trace(`rotate: promoting the staged credentials ${slot.id}`);
  await ctx.client.rotateStaged(ctx.app.id, consumer.id, slot.id);
  // the previous credentials now sit in the staged slot as Rotated; the rotation is done whatever follows
  const previous: RotateResult['previous'] = { revoked: false };
  try {
    const former = await ctx.client.getStaged(ctx.app.id, consumer.id);
    if (former?.state === 'Rotated') Object.assign(previous, { id: former.id, validUntil: former.expirationDate });
    if (input['revoke-previous']) {
      progress({ stage: 'Revoking the previous credentials' });
      if (former?.state !== 'Rotated') warnings.push(messages.getMessage('warn.noPrevious', [ctx.app.name]));
      else {
        ctx.log.trace(`rotate: revoking the previous credentials ${former.id}`);
        await ctx.client.deleteStaged(ctx.app.id, consumer.id, former.id);
        previous.revoked = true;
        previous.validUntil = undefined;
      }
    }
  } catch (e) {
    previous.error = e instanceof Error ? e.message : String(e);
    warnings.push(messages.getMessage('warn.notRevoked', [ctx.app.name, previous.error]));
    return { ...base, dryRun: false, promoted: true, previous };
  }
  return { ...base, dryRun: false, promoted: true, previous };
}

/** A failed proof: nothing promoted, the current credentials untouched (exit 3), with token verify's explanation. */
function refused(e: unknown, ctx: AppContext, stagedId: string): Error {
  if (!(e instanceof SfError) || (e.exitCode !== EXIT_CODES.tokenVerify.Refused && e.name !== 'TokenEndpointUnavailableError')) return e instanceof Error ? e : new Error(String(e));
  return SfError.create({
    name: 'StagedCredentialsRefusedError',
    message: messages.getMessage('error.Refused', [ctx.app.name, stagedId, e.message]),
    actions: [...(e.actions ?? []), messages.getMessage('error.Refused.after', [nextCommand('revoke', ctx.app.name, ctx.s.name, ' --pending')])],
    exitCode: EXIT_CODES.credentialsRotate.Refused,
    data: e.data,
  });
}
