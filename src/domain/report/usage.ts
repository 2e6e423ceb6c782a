/**
 * How much an app or integration is used: OAuth tokens (OauthToken, grouped by AppName) and
 * successful logins (LoginHistory, grouped by Application) in the report's window. Both name an
 * app by its label, sometimes by its developer name, so an app is looked up by both, as
 * `policy check` looks up token usage (label first, then name).
 */
import type { AppUsage, LoginSummary, UsageView } from './model.js';

const DAY_MS = 86_400_000;

/** The first instant of the window: `now` minus `windowDays` days. */
export function windowStart(now: Date, windowDays: number): number {
  return now.getTime() - windowDays * DAY_MS;
}

export function inWindow(iso: string | undefined, now: Date, windowDays: number): boolean {
  if (iso === undefined) return false;
  const t = Date.parse(iso);
  return !Number.isNaN(t) && t >= windowStart(now, windowDays) && t <= now.getTime() + DAY_MS;
}

function later(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Date.parse(b) > Date.parse(a) ? b : a;
}

/** The names an app goes by, label first; empty and repeated names dropped. */
export function appNames(app: { name: string; label?: string }): string[] {
  return [...new Set([app.label, app.name].filter((n): n is string => n !== undefined && n.length > 0))];
}

/** Token usage of an app: the first of its names that OauthToken knows. */
export function tokenUsageOf(names: readonly string[], usage: readonly AppUsage[]): AppUsage | undefined {
  for (const n of names) {
    const hit = usage.find((u) => u.app === n);
    if (hit) return hit;
  }
  return undefined;
}

/** Sums logins into one usage view (users counted once each). */
export function summarizeLogins(rows: readonly LoginSummary[]): UsageView {
  const users = new Set(rows.map((r) => r.userId));
  let lastUsed: string | undefined;
  for (const r of rows) lastUsed = later(lastUsed, r.lastLogin);
  return {
    logins: rows.reduce((n, r) => n + r.logins, 0),
    users: users.size,
    tokens: 0,
    ...(lastUsed === undefined ? {} : { lastUsed }),
  };
}

/** An app's usage in the window: its logins and its OAuth tokens. */
export function usageOf(
  app: { name: string; label?: string },
  usage: readonly AppUsage[],
  logins: readonly LoginSummary[],
  now: Date,
  windowDays: number
): UsageView {
  const names = new Set(appNames(app));
  const rows = logins.filter((l) => names.has(l.application) && inWindow(l.lastLogin, now, windowDays));
  const fromLogins = summarizeLogins(rows);
  const tokens = tokenUsageOf([...names], usage);
  const lastUsed = later(fromLogins.lastUsed, tokens?.lastUsed);
  return {
    logins: fromLogins.logins,
    users: Math.max(fromLogins.users, tokens?.users ?? 0),
    tokens: tokens?.tokens ?? 0,
    ...(lastUsed === undefined ? {} : { lastUsed }),
  };
}

/** Used in the window: a login in the window, or a token last used in it. */
export function usedInWindow(u: UsageView, now: Date, windowDays: number): boolean {
  return u.logins > 0 || inWindow(u.lastUsed, now, windowDays);
}

/** Most used first: logins, then tokens, then users. */
export function compareUsage(a: UsageView, b: UsageView): number {
  return b.logins - a.logins || b.tokens - a.tokens || b.users - a.users;
}

/**
 * Groups raw LoginHistory rows (one per login) into summaries, for an org floor that reads rows
 * rather than GROUP BY results. Only successful logins count.
 */
export function groupLoginRows(
  rows: ReadonlyArray<{
    loginTime: string;
    userId: string;
    username?: string;
    application?: string;
    loginType?: string;
    loginSubType?: string;
    apiType?: string;
    apiVersion?: string;
    status?: string;
  }>
): LoginSummary[] {
  const groups = new Map<string, LoginSummary>();
  for (const r of rows) {
    if (r.status !== undefined && r.status !== 'Success') continue;
    const application = r.application ?? '';
    const key = [application, r.userId, r.loginType ?? '', r.loginSubType ?? '', r.apiType ?? ''].join('\u0000');
    const g = groups.get(key);
    if (g) {
      g.logins++;
      g.lastLogin = later(g.lastLogin, r.loginTime) ?? g.lastLogin;
      if (g.apiVersion === undefined && r.apiVersion !== undefined) g.apiVersion = r.apiVersion;
      continue;
    }
    groups.set(key, {
      application,
      userId: r.userId,
      ...(r.username === undefined ? {} : { username: r.username }),
      ...(r.loginType === undefined ? {} : { loginType: r.loginType }),
      ...(r.loginSubType === undefined ? {} : { loginSubType: r.loginSubType }),
      ...(r.apiType === undefined ? {} : { apiType: r.apiType }),
      ...(r.apiVersion === undefined ? {} : { apiVersion: r.apiVersion }),
      logins: 1,
      lastLogin: r.loginTime,
    });
  }
  return [...groups.values()];
}
