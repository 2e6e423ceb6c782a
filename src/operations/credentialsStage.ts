/**
 * `sf eca credentials stage`: new staged credentials (a new consumer key and secret) for a local
 * External Client App, delivered to the one sink the user chose. The staged pair mints tokens
 * beside the primary one until `rotate` promotes it, so the pipeline can switch first.
 *
 * The sink is checked before anything changes in the org. If the delivery fails, the staged pair
 * (which nobody received) is deleted again, so nothing is left half done; if even that fails, the
 * error names the staged id and how to delete it. The secret is never in the result, a log or an
 * error.
 */
import { Messages } from '@salesforce/core';
import { redactError } from '../domain/token/redact.js';
import type { StagedCredentials } from '../org/oauthCredentials.js';
import { chooseSink, deliver, prepareSink, type SinkFlags, type SinkReceipt, type PreparedSink } from '../shared/secretSink.js';
import { type OnProgress, progressTo } from '../shared/progressEvents.js';
import { type AppContext, type CredentialsInput, type CredentialsResultBase, nextCommand, openApp, pickConsumer, type SecretAccessReport, withCredentialsAccess } from './credentials.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.credentials.stage');

/** The variable names an env file gets. */
export const SECRET_ENV_NAME = 'ECA_CLIENT_SECRET';
export const KEY_ENV_NAME = 'ECA_CLIENT_ID';

export type StageInput = CredentialsInput &
  SinkFlags & {
    /** delete previous (Rotated) credentials still in the staged slot first: staging replaces them */
    'revoke-previous': boolean;
    /** the folder the user works in, for the sink's path rules (default process.cwd()) */
    cwd?: string;
  };

export type StageResult = CredentialsResultBase & {
  stagedId: string;
  /** the new consumer key (not a secret): it comes with the new secret, and the pipeline needs both */
  consumerKey: string;
  /** the current (primary) consumer key, which keeps working until the staged pair is promoted and the old one revoked */
  primaryConsumerKey?: string;
  state: string;
  /** ISO 8601 */
  createdDate?: string;
  /** ISO 8601: staged credentials are valid for 30 days */
  expirationDate?: string;
  /** previous credentials revoked first with --revoke-previous */
  revokedPrevious?: { id: string; consumerKey?: string };
  /** where the secret went (never the secret) */
  delivered: SinkReceipt;
  secretAccess: SecretAccessReport;
  /** what to run next */
  next: string[];
  warnings: string[];
};

export const STAGE_STAGES = ['Checking the sink', 'Reading the app', 'Staging new credentials', 'Delivering the secret'] as const;

export async function stageCredentials(input: StageInput, onProgress?: OnProgress): Promise<StageResult> {
  const progress = progressTo(onProgress);
  const secrets: string[] = [];
  try {
    progress({ stage: 'Checking the sink' });
    const spec = chooseSink(input, { required: true });
    const sink = await prepareSink(spec as NonNullable<typeof spec>, input.cwd);
    progress({ stage: 'Reading the app', data: { app: input.name } });
    const ctx = await openApp(input, 'stage');
    const { value, secretAccess } = await withCredentialsAccess(
      ctx,
      input['allow-secret-access'],
      progress,
      () => stageAndDeliver(ctx, input, sink, secrets, progress),
      (v) => messages.getMessage('describe', [v.staged.id, v.staged.key ?? '', v.delivered.path ?? v.delivered.command ?? ''])
    );
    const { staged, delivered, consumer, revokedPrevious } = value;
    const extra = secretAccess.turnedOnForCommand ? ' --allow-secret-access' : '';
    return {
      app: ctx.app.name,
      appId: ctx.app.id,
      org: ctx.s.name,
      username: ctx.s.username,
      orgId: ctx.s.orgId,
      consumerId: consumer.id,
      stagedId: staged.id,
      consumerKey: staged.key ?? '',
      primaryConsumerKey: consumer.key,
      state: staged.state,
      createdDate: staged.createdDate,
      expirationDate: staged.expirationDate,
      ...(revokedPrevious ? { revokedPrevious } : {}),
      delivered,
      secretAccess,
      next: [nextCommand('rotate', ctx.app.name, ctx.s.name, `${extra}`), nextCommand('rotate', ctx.app.name, ctx.s.name, ` --revoke-previous${extra}`)],
      warnings: [],
    };
  } catch (e) {
    throw redactError(e, secrets);
  }
}

type Staged = { staged: StagedCredentials; delivered: SinkReceipt; consumer: { id: string; key?: string }; revokedPrevious?: { id: string; consumerKey?: string } };

async function stageAndDeliver(ctx: AppContext, input: StageInput, sink: PreparedSink, secrets: string[], progress: OnProgress): Promise<Staged> {
  const consumer = await pickConsumer(ctx, input['consumer-key']);
  const slot = await ctx.client.getStaged(ctx.app.id, consumer.id);
  let revokedPrevious: Staged['revokedPrevious'];
  if (slot?.state === 'Active') {
    throw messages.createError('error.AlreadyStaged', [ctx.app.name, slot.createdDate?.slice(0, 10) ?? '?', slot.key ?? slot.id], [
      nextCommand('rotate', ctx.app.name, ctx.s.name),
      nextCommand('revoke', ctx.app.name, ctx.s.name, ' --pending'),
    ]);
  }
  if (slot?.state === 'Rotated') {
    // staging replaces the previous pair, which may still be in use: only when asked
    if (!input['revoke-previous']) {
      throw messages.createError('error.PreviousStillValid', [ctx.app.name, slot.key ?? slot.id, slot.expirationDate?.slice(0, 10) ?? '?'], [
        nextCommand('status', ctx.app.name, ctx.s.name),
        '--revoke-previous',
      ]);
    }
    ctx.log.trace(`stage: revoking the previous credentials ${slot.id}`);
    await ctx.client.deleteStaged(ctx.app.id, consumer.id, slot.id);
    revokedPrevious = { id: slot.id, consumerKey: slot.key };
  }
  progress({ stage: 'Staging new credentials' });
  ctx.log.trace(`stage: creating staged credentials for ${ctx.app.name} consumer ${consumer.id}`);
  const staged = await ctx.client.createStaged(ctx.app.id, consumer.id);
  if (staged.secret) secrets.push(staged.secret);
  progress({ stage: 'Delivering the secret', data: { stagedId: staged.id } });
  try {
    if (!staged.secret || !staged.key) throw messages.createError('error.NoSecret', [ctx.app.name]);
    const delivered = await deliver(sink, { value: staged.secret, name: SECRET_ENV_NAME, extra: { [KEY_ENV_NAME]: staged.key } });
    ctx.log.trace(`stage: delivered to ${delivered.kind}`);
    return { staged: { ...staged, secret: undefined }, delivered, consumer, revokedPrevious };
  } catch (e) {
    // nobody received the new secret: take the staged pair back so nothing is half done
    ctx.log.trace(`stage: delivery failed, deleting staged credentials ${staged.id}`);
    const why = e instanceof Error ? e.message : String(e);
    try {
      await ctx.client.deleteStaged(ctx.app.id, consumer.id, staged.id);
    } catch (undo) {
      throw messages.createError('error.DeliveryFailedStagedLeft', [why, staged.id, ctx.app.name, undo instanceof Error ? undo.message : String(undo)], [
        nextCommand('revoke', ctx.app.name, ctx.s.name, ' --pending'),
      ]);
    }
    const err = messages.createError('error.DeliveryFailed', [why, ctx.app.name]);
    // the sink's own actions say how to fix it
    err.actions = (e as { actions?: string[] }).actions;
    throw err;
  }
}
