/**
 * Integration hygiene: run-as users several apps share (governance guides ask for one
 * integration user per app), consumer secrets not rotated within a year, and over-scoped apps
 * (the least-privilege findings of the policy engine).
 */
import { isPlaceholder } from '../certificate.js';
import type { AuditedApp } from '../policy/app.js';
import type { Evaluation } from '../policy/evaluate.js';
import type { Hygiene, SecretFacts } from './model.js';

export const OVER_SCOPE_RULES: readonly string[] = ['scope-full', 'scope-refresh-token-unneeded'];
export const DEFAULT_SECRET_MAX_AGE_DAYS = 365;

const DAY_MS = 86_400_000;

/** The run-as user of an app's client credentials flow, as the org names it; undefined when the flow is off or the user is a placeholder. */
export function runAsUserOf(app: AuditedApp): string | undefined {
  if (!app.flows.clientCredentials) return undefined;
  const name = app.facts.runAsUser?.username ?? app.runAsUser;
  return name === undefined || isPlaceholder(name) ? undefined : name;
}

/** How hygiene and the run-as-user-shared rule name an app: "Name" for an ECA, "Name (Connected App)" otherwise. */
export function hygieneName(app: Pick<AuditedApp, 'kind' | 'name'>): string {
  return app.kind === 'eca' ? app.name : `${app.name} (Connected App)`;
}

/**
 * Run-as users of more than one app: lower-cased username -> the apps ("Name" for an ECA,
 * "Name (Connected App)" otherwise). withSharedRunAsUsers() gives it to the `run-as-user-shared`
 * policy rule as a fact of each app.
 */
export function sharedRunAsUsers(apps: readonly AuditedApp[]): Array<{ user: string; apps: string[] }> {
  const byUser = new Map<string, { user: string; apps: Set<string> }>();
  for (const app of apps) {
    const user = runAsUserOf(app);
    if (user === undefined) continue;
    const key = user.toLowerCase();
    const e = byUser.get(key) ?? { user, apps: new Set<string>() };
    e.apps.add(hygieneName(app));
    byUser.set(key, e);
  }
  return [...byUser.values()]
    .filter((e) => e.apps.size > 1)
    .map((e) => ({ user: e.user, apps: [...e.apps].sort() }))
    .sort((a, b) => b.apps.length - a.apps.length || (a.user < b.user ? -1 : 1));
}

/**
 * The apps of one org, each client-credentials app with the fact the `run-as-user-shared` rule
 * reads: the other apps of the org that run as its run-as user (empty when none does). The same
 * grouping as the report's hygiene section (sharedRunAsUsers), so the two always agree. Call it
 * with every app of one org, never of several orgs at once.
 */
export function withSharedRunAsUsers(apps: readonly AuditedApp[]): AuditedApp[] {
  const shared = sharedRunAsUsers(apps);
  return apps.map((app) => {
    if (!app.flows.clientCredentials) return app;
    const user = runAsUserOf(app)?.toLowerCase();
    const group = user === undefined ? undefined : shared.find((s) => s.user.toLowerCase() === user);
    const self = hygieneName(app);
    return { ...app, facts: { ...app.facts, runAsUserSharedWith: group ? group.apps.filter((a) => a !== self) : [] } };
  });
}

export function staleSecrets(secrets: readonly SecretFacts[] | undefined, now: Date, maxAgeDays = DEFAULT_SECRET_MAX_AGE_DAYS): Hygiene['secrets'] {
  if (secrets === undefined) {
    return {
      assessed: false,
      note: 'The org did not say when consumer secrets were issued, so secret age was not checked.',
      maxAgeDays,
      stale: [],
    };
  }
  const stale = secrets
    .map((s) => ({ app: s.app, kind: s.kind, issued: s.issued, ageDays: Math.floor((now.getTime() - Date.parse(s.issued)) / DAY_MS) }))
    .filter((s) => !Number.isNaN(s.ageDays) && s.ageDays > maxAgeDays)
    .sort((a, b) => b.ageDays - a.ageDays);
  return { assessed: true, maxAgeDays, stale };
}

export function overScopedApps(evaluation: Pick<Evaluation, 'findings'>): Hygiene['overScoped'] {
  const byApp = new Map<string, Hygiene['overScoped'][number]>();
  for (const f of evaluation.findings) {
    if (!OVER_SCOPE_RULES.includes(f.ruleId) || f.target.type !== 'app') continue;
    const key = `${f.target.kind}\u0000${f.target.name}`;
    const e = byApp.get(key) ?? { app: f.target.name, kind: f.target.kind, ruleIds: [], messages: [] };
    if (!e.ruleIds.includes(f.ruleId)) e.ruleIds.push(f.ruleId);
    e.messages.push(f.message);
    byApp.set(key, e);
  }
  return [...byApp.values()].sort((a, b) => (a.app < b.app ? -1 : a.app > b.app ? 1 : 0));
}

export function buildHygiene(
  apps: readonly AuditedApp[],
  evaluation: Pick<Evaluation, 'findings'>,
  secrets: readonly SecretFacts[] | undefined,
  now: Date,
  maxSecretAgeDays = DEFAULT_SECRET_MAX_AGE_DAYS
): Hygiene {
  return {
    sharedRunAsUsers: sharedRunAsUsers(apps),
    secrets: staleSecrets(secrets, now, maxSecretAgeDays),
    overScoped: overScopedApps(evaluation),
  };
}
