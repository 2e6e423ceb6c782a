/**
 * What will break, and when: apps and integrations that fail an announced deadline and were used
 * in the last N days, most used first.
 *
 * - SOAP login() retirement: every user who logged in with SOAP API login() in the window, per
 *   application (LoginHistory: API login types, SOAP API types; see sources.ts).
 * - OAuth username-password flow: every app (or application name) clients log in to with it.
 *   External Client Apps do not support the flow, so these break when the app is converted.
 * - Partner OAuth requirements: apps this org distributes in packages (distributionState
 *   Packaged) without PKCE or refresh-token rotation.
 * Connected App creation being blocked stops no running app; it shows in readiness instead.
 */
import type { AuditedApp } from '../policy/app.js';
import { toDeveloperName } from '../validate.js';
import type { AppUsage, LoginSummary, WillBreakEntry, WillBreakSubject } from './model.js';
import { command } from './shell.js';
import { classifyLogin, DEADLINES, type Deadline, type DeadlineId, describeDate, type LegacyLogin } from './sources.js';
import { appNames, compareUsage, inWindow, summarizeLogins, usageOf, usedInWindow } from './usage.js';

export type WillBreakOptions = {
  readonly windowDays: number;
  /** the org as the user names it, for the suggested commands */
  readonly org: string;
};

type Named = { readonly name: string; readonly label?: string; readonly kind: 'eca' | 'connectedApp' };

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function entry(d: Deadline, subject: WillBreakSubject, why: string, usage: WillBreakEntry['usage'], remedy: WillBreakEntry['remedy']): WillBreakEntry {
  return { deadline: d.id, deadlineTitle: d.title, when: describeDate(d), ...(d.date === undefined ? {} : { date: d.date }), subject, why, usage, remedy };
}

/** LoginHistory.Application of API logins that name no client ("N/A"), or none at all. */
function namesNoClient(application: string): boolean {
  const a = application.trim();
  return a === '' || /^n\/a$/i.test(a);
}

/** The ECA to create for a client: named after the application, else after the integration user. */
function ecaFor(application: string, user?: string): string {
  const base = namesNoClient(application) && user ? user.split('@')[0] : application;
  return `${toDeveloperName(base)}_Integration`.slice(0, 80).replace(/_+$/, '');
}

function createCommand(org: string, application: string, user: string): string {
  return command([
    'sf eca create',
    ['--target-org', org],
    ['--name', ecaFor(application, user)],
    '--template server-to-server',
    ['--run-as', user],
    '--contact-email <owner@example.com>',
  ]);
}

function soapLogins(d: Deadline, logins: readonly LoginSummary[], now: Date, o: WillBreakOptions): WillBreakEntry[] {
  const groups = new Map<string, LoginSummary[]>();
  for (const l of logins) {
    if (classifyLogin(l) !== 'soap-login' || !inWindow(l.lastLogin, now, o.windowDays)) continue;
    const key = `${l.application}\u0000${l.userId}`;
    groups.set(key, [...(groups.get(key) ?? []), l]);
  }
  return [...groups.values()].map((rows) => {
    const first = rows[0];
    const user = first.username ?? first.userId;
    const application = namesNoClient(first.application) ? '(no application name)' : first.application;
    const usage = summarizeLogins(rows);
    const how = [...new Set(rows.map((r) => [r.loginType, r.apiType].filter(Boolean).join(', ')))].filter(Boolean).join('; ');
    return entry(
      d,
      {
        type: 'login',
        application,
        user,
        method: 'soap-login',
        ...(first.loginType === undefined ? {} : { loginType: first.loginType }),
        ...(first.apiType === undefined ? {} : { apiType: first.apiType }),
      },
      `${user} logged in ${plural(usage.logins, 'time')} through ${application} with SOAP API login()${how ? ` (${how})` : ''} in the last ${o.windowDays} days.`,
      usage,
      {
        summary: `Give ${application} an External Client App with the client credentials flow running as ${user} (or JWT bearer), and change the client to request OAuth tokens.`,
        command: createCommand(o.org, first.application, user),
      }
    );
  });
}

function usernamePasswordLogins(d: Deadline, apps: readonly Named[], logins: readonly LoginSummary[], now: Date, o: WillBreakOptions): WillBreakEntry[] {
  const byApp = new Map<string, { app?: Named; application: string; rows: LoginSummary[] }>();
  for (const l of logins) {
    if (classifyLogin(l) !== 'oauth-username-password' || !inWindow(l.lastLogin, now, o.windowDays)) continue;
    const app = apps.find((a) => appNames(a).includes(l.application));
    const key = app ? `app\u0000${app.kind}\u0000${app.name}` : `name\u0000${l.application}`;
    const g = byApp.get(key) ?? { ...(app ? { app } : {}), application: l.application, rows: [] };
    g.rows.push(l);
    byApp.set(key, g);
  }
  return [...byApp.values()].map(({ app, application, rows }) => {
    const usage = summarizeLogins(rows);
    const users = [...new Set(rows.map((r) => r.username ?? r.userId))];
    const subject: WillBreakSubject = app
      ? { type: 'app', kind: app.kind, name: app.name, ...(app.label === undefined ? {} : { label: app.label }) }
      : { type: 'login', application, user: users.length === 1 ? users[0] : `${users.length} users`, method: 'oauth-username-password' as LegacyLogin };
    const convert = app?.kind === 'connectedApp' ? ` Then convert it: ${command(['sf eca convert', ['--target-org', o.org], ['--name', app.name]])}.` : '';
    return entry(
      d,
      subject,
      `${plural(usage.logins, 'login')} by ${plural(usage.users, 'user')} with the OAuth username-password flow through ${app?.label ?? application} in the last ${o.windowDays} days.`,
      usage,
      {
        summary: `Move ${users.length === 1 ? users[0] : `its ${users.length} users`} to the client credentials flow (or JWT bearer) before the app becomes an External Client App.${convert}`,
        command: createCommand(o.org, app?.label ?? application, users[0]),
      }
    );
  });
}

function partnerApps(d: Deadline, apps: readonly AuditedApp[], usage: readonly AppUsage[], logins: readonly LoginSummary[], now: Date, o: WillBreakOptions): WillBreakEntry[] {
  return apps.flatMap((a) => {
    if (!a.packaged || !a.oauthEnabled) return [];
    const missing = [a.pkceRequired ? undefined : 'PKCE (isPkceRequired)', a.refreshTokenRotation ? undefined : 'refresh-token rotation (isRefreshTokenRotationEnabled)'].filter(
      (m): m is string => m !== undefined
    );
    if (missing.length === 0) return [];
    const u = usageOf(a, usage, logins, now, o.windowDays);
    if (!usedInWindow(u, now, o.windowDays)) return [];
    return [
      entry(
        d,
        { type: 'app', kind: a.kind, name: a.name, ...(a.label === undefined ? {} : { label: a.label }) },
        `The app is distributed in a package (${a.distributionState ?? 'Packaged'}) and lacks ${missing.join(' and ')}.`,
        u,
        {
          summary: `Turn on ${missing.join(' and ')} in the app's global OAuth settings and ship the client change (code_verifier; keep each rotated refresh token).`,
          command: command(['sf eca policy check', ['--target-org', o.org]]),
        }
      ),
    ];
  });
}

/** A stable key for an entry: its deadline and what it is about. */
export function willBreakKey(e: Pick<WillBreakEntry, 'deadline' | 'subject'>): string {
  const s = e.subject;
  return s.type === 'app' ? `${e.deadline}|app|${s.kind}|${s.name}` : `${e.deadline}|login|${s.method}|${s.application}|${s.user}`;
}

const byUsage = (a: WillBreakEntry, b: WillBreakEntry): number => {
  const ka = willBreakKey(a);
  const kb = willBreakKey(b);
  return compareUsage(a.usage, b.usage) || (ka < kb ? -1 : ka > kb ? 1 : 0);
};

/**
 * The will-break list of one org. `deadlines` defaults to the announced ones (sources.ts); a
 * deadline left out is not checked.
 */
export function willBreak(
  apps: readonly AuditedApp[],
  usage: readonly AppUsage[],
  logins: readonly LoginSummary[],
  deadlines: readonly Deadline[] = DEADLINES,
  now: Date = new Date(),
  options: WillBreakOptions = { windowDays: 90, org: '<org>' }
): WillBreakEntry[] {
  const d = (id: DeadlineId): Deadline | undefined => deadlines.find((x) => x.id === id);
  const named: Named[] = apps.map((a) => ({ name: a.name, kind: a.kind, ...(a.label === undefined ? {} : { label: a.label }) }));
  const soap = d('soap-login-retired');
  const up = d('oauth-username-password-deprecated');
  const isv = d('isv-oauth-requirements');
  return [
    ...(soap ? soapLogins(soap, logins, now, options) : []),
    ...(up ? usernamePasswordLogins(up, named, logins, now, options) : []),
    ...(isv ? partnerApps(isv, apps, usage, logins, now, options) : []),
  ].sort(byUsage);
}
