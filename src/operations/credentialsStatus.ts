/**
 * `sf eca credentials status`: for one External Client App (--name) or every one (--all), its
 * OAuth consumers, how old the current secret is as far as the org can say, staged credentials
 * pending and since when, previous credentials still working and until when, the last token use,
 * and the app's distribution state. Never a secret: the staged-credentials answer carries secrets,
 * which are dropped as soon as they are read.
 *
 * Cost: one query (the apps) and one usage request per org, then per app the consumers and each
 * consumer's staged slot, and for apps with usage data their users and each user's tokens: the
 * Connect REST credentials and usage resources have no bulk form. A problem reading one app is
 * reported for that app and the others go on (exit 68).
 */
import { Logger, Messages } from '@salesforce/core';
import { type Pending, type Previous, pendingOf, previousOf, type SecretAge, secretAgeOf, describeAge } from '../domain/credentials/status.js';
import { type EcaRecord, isLocalEca, readEcaRecords } from '../org/ecaRecords.js';
import { credentialsReason, OAuthCredentialsClient, type StagedCredentials, type TokenUse, type UsageApp } from '../org/oauthCredentials.js';
import { openSession, type OrgRef } from '../org/session.js';
import { type OnProgress, progressTo } from '../shared/progressEvents.js';
import { type SecretAccessReport, withCredentialsAccess } from './credentials.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('plugin-eca', 'eca.credentials.status');

export type StatusInput = { org: OrgRef; apiVersion?: string; name?: string; all: boolean; 'allow-secret-access': boolean; now?: Date };

export type ConsumerStatus = {
  id: string;
  /** the current consumer key (not a secret) */
  key?: string;
  name?: string;
  secretAge: SecretAge & { text: string };
  /** staged credentials not yet promoted */
  pending?: Pending & { key?: string };
  /** previous credentials of a rotation, still working until validUntil */
  previous?: Previous & { key?: string };
  /** the staged slot could be read (false: pending and previous are unknown) */
  stagedRead: boolean;
};

export type AppStatus = {
  name: string;
  id: string;
  label?: string;
  distributionState: string;
  /** staged credentials exist for local apps only */
  local: boolean;
  /** ISO 8601 */
  createdDate?: string;
  consumers: ConsumerStatus[];
  /** last use of the app's OAuth tokens (Connect REST OAuth usage); undefined when it could not be read */
  lastTokenUse?: { never: boolean; lastUsedAt?: string; users: number; tokens: number; truncated: boolean };
  problems: string[];
};

export type StatusResult = {
  org: string;
  username: string;
  orgId: string;
  apps: AppStatus[];
  /** problems that concern every app (the org setting off, a missing permission, the usage resource) */
  problems: string[];
  secretAccess: SecretAccessReport;
  warnings: string[];
};


/** The exit-code row: anything not read is an incomplete status (68). */
export function statusOutcome(r: StatusResult): 'Shown' | 'Incomplete' {
  return r.problems.length > 0 || r.apps.some((a) => a.problems.length > 0) ? 'Incomplete' : 'Shown';
}

export async function credentialsStatus(input: StatusInput, onProgress?: OnProgress): Promise<StatusResult> {
  const progress = progressTo(onProgress);
  const now = input.now ?? new Date();
  progress({ stage: 'Reading the apps' });
  const s = await openSession(input.org, { apiVersion: input.apiVersion });
  const records = await readEcaRecords(s.access);
  const chosen = input.all ? records : records.filter((r) => r.name === input.name || r.developerName === input.name).slice(0, 1);
  if (!input.all && chosen.length === 0) {
    throw messages.createError('error.AppNotFound', [input.name ?? '', s.name], [records.map((r) => r.name).sort().slice(0, 20).join(', ') || '(none)', s.name]);
  }
  const result: StatusResult = { org: s.name, username: s.username, orgId: s.orgId, apps: [], problems: [], secretAccess: { wasOn: false, turnedOnForCommand: false }, warnings: [] };
  if (chosen.length === 0) {
    result.warnings.push(messages.getMessage('warn.noApps', [s.name]));
    return result;
  }
  progress({ stage: 'Reading credentials and usage', data: { apps: String(chosen.length) } });
  const client = new OAuthCredentialsClient(s);
  const read = (): Promise<AppStatus[]> => readAll(client, chosen, now, result.problems, s.name, (done) => progress({ data: { apps: `${done}/${chosen.length}` } }));
  if (input['allow-secret-access'] && chosen.some(isLocalEca)) {
    const ctx = { s, app: chosen[0], client, log: Logger.childFromRoot('eca:credentials') };
    const { value, secretAccess } = await withCredentialsAccess(ctx, true, progress, read);
    result.apps = value;
    result.secretAccess = secretAccess;
  } else {
    result.apps = await read();
  }
  return result;
}

async function readAll(client: OAuthCredentialsClient, apps: readonly EcaRecord[], now: Date, problems: string[], org: string, done: (n: number) => void): Promise<AppStatus[]> {
  let usage: Map<string, UsageApp> | undefined;
  try {
    usage = new Map((await client.usageApps()).map((a) => [a.identifier.slice(0, 15), a]));
  } catch (e) {
    problems.push(messages.getMessage('problem.usage', [message(e)]));
  }
  // once the org refuses staged reads for every app (setting off, missing permission), stop asking
  let stagedRefusal: string | undefined;
  const out: AppStatus[] = [];
  for (const app of apps) {
    const status: AppStatus = { name: app.name, id: app.id, label: app.label, distributionState: app.distributionState ?? 'Local', local: isLocalEca(app), createdDate: app.createdDate, consumers: [], problems: [] };
    try {
      const consumers = await client.listConsumers(app.id);
      for (const c of consumers) {
        let staged: StagedCredentials | undefined;
        let stagedRead = false;
        if (status.local && stagedRefusal === undefined) {
          try {
            const raw = await client.getStaged(app.id, c.id);
            // the answer holds the staged secret: keep nothing of it
            staged = raw ? { ...raw, secret: undefined } : undefined;
            stagedRead = true;
          } catch (e) {
            const reason = credentialsReason(e);
            if (reason === 'setting-off' || reason === 'missing-permission') {
              stagedRefusal = reason;
              problems.push(messages.getMessage(reason === 'setting-off' ? 'problem.settingOff' : 'problem.permission', [org, message(e)]));
            } else status.problems.push(messages.getMessage('problem.staged', [message(e)]));
          }
        }
        const age = secretAgeOf({ staged: stagedRead ? staged : undefined, appCreatedDate: app.createdDate, now });
        const pending = pendingOf(staged, now);
        const previous = previousOf(staged, now);
        status.consumers.push({
          id: c.id,
          key: c.key,
          name: c.name,
          secretAge: { ...age, text: describeAge(age) },
          ...(pending ? { pending: { ...pending, key: staged?.key } } : {}),
          ...(previous ? { previous: { ...previous, key: staged?.key } } : {}),
          stagedRead,
        });
      }
    } catch (e) {
      status.problems.push(messages.getMessage('problem.consumers', [message(e)]));
    }
    if (usage) {
      const used = usage.get(app.id.slice(0, 15));
      if (!used) status.lastTokenUse = { never: true, users: 0, tokens: 0, truncated: false };
      else {
        try {
          const t: TokenUse = await client.tokenUse(used.identifier);
          status.lastTokenUse = { never: t.tokens === 0, lastUsedAt: t.lastUsedAt, users: t.users, tokens: t.tokens, truncated: t.truncated };
        } catch (e) {
          status.problems.push(messages.getMessage('problem.tokenUse', [message(e)]));
        }
      }
    }
    out.push(status);
    done(out.length);
  }
  return out;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
