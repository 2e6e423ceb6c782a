/**
 * `sf eca credentials revoke`: deletes the credentials in an app's staged slot. By default those
 * are the previous credentials a rotation left there (state Rotated), which keep working until
 * revoked or expired; with --pending, staged credentials that were never promoted (state Active).
 * Either stops working at once. The current (primary) credentials are never touched.
 */
import { Messages } from '@salesforce/core';
import { type OnProgress, progressTo } from '../shared/progressEvents.js';
import { type CredentialsInput, type CredentialsResultBase, nextCommand, openApp, pickConsumer, type SecretAccessReport, withCredentialsAccess } from './credentials.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.credentials.revoke');

export type RevokeInput = CredentialsInput & {
  /** also delete staged credentials that were never promoted */
  pending: boolean;
};

export type RevokeResult = CredentialsResultBase & {
  /** the current (primary) consumer key, untouched */
  consumerKey?: string;
  revoked: boolean;
  /** what was revoked (never a secret) */
  credentials?: { id: string; state: string; consumerKey?: string; createdDate?: string; expirationDate?: string };
  secretAccess: SecretAccessReport;
  warnings: string[];
};

export const REVOKE_STAGES = ['Reading the app', 'Revoking'] as const;

export async function revokeCredentials(input: RevokeInput, onProgress?: OnProgress): Promise<RevokeResult> {
  const progress = progressTo(onProgress);
  progress({ stage: 'Reading the app', data: { app: input.name } });
  const ctx = await openApp(input, 'revoke');
  const { value, secretAccess } = await withCredentialsAccess(
    ctx,
    input['allow-secret-access'],
    progress,
    async (): Promise<Omit<RevokeResult, 'app' | 'appId' | 'org' | 'username' | 'orgId' | 'secretAccess'>> => {
      const consumer = await pickConsumer(ctx, input['consumer-key']);
      const slot = await ctx.client.getStaged(ctx.app.id, consumer.id);
      const base = { consumerId: consumer.id, consumerKey: consumer.key };
      if (!slot) return { ...base, revoked: false, warnings: [messages.getMessage('warn.nothing', [ctx.app.name, ctx.s.name])] };
      if (slot.state === 'Active' && !input.pending) {
        throw messages.createError('error.Pending', [ctx.app.name, slot.key ?? slot.id, slot.createdDate?.slice(0, 10) ?? '?'], [
          nextCommand('rotate', ctx.app.name, ctx.s.name),
          nextCommand('revoke', ctx.app.name, ctx.s.name, ' --pending'),
        ]);
      }
      progress({ stage: 'Revoking', data: { stagedId: slot.id } });
      ctx.log.trace(`revoke: deleting the ${slot.state} credentials ${slot.id}`);
      await ctx.client.deleteStaged(ctx.app.id, consumer.id, slot.id);
      const credentials = { id: slot.id, state: slot.state, consumerKey: slot.key, createdDate: slot.createdDate, expirationDate: slot.expirationDate };
      return { ...base, revoked: true, credentials, warnings: [] };
    },
    (v) => (v.revoked ? messages.getMessage('describe', [v.credentials?.id ?? '']) : messages.getMessage('describeNothing'))
  );
  return { app: ctx.app.name, appId: ctx.app.id, org: ctx.s.name, username: ctx.s.username, orgId: ctx.s.orgId, ...value, secretAccess };
}
