/**
 * Conversion readiness of each Connected App, read from what `sf eca convert` reports for it
 * (src/domain/convert: status, field report, notices, problems) and from the org's login history:
 *
 * - converted: an ECA of the same name exists (convert skips it);
 * - not convertible: installed from a package (its publisher must move it), clients log in with
 *   the OAuth username-password flow (ECAs do not support it), a mobile app configuration (ECAs
 *   do not distribute mobile apps), canvas settings convert cannot carry, or a conversion whose
 *   result does not validate;
 * - attention: converts, and convert's report names fields or notices a person must look at;
 * - eligible: converts clean.
 *
 * Canvas: convert carries canvasConfig to ExtlClntAppCanvasSettings (API 66+), so only canvas
 * settings convert reports as not carried make an app not convertible.
 */
import { classifyLogin } from './sources.js';
import type { ConversionInput, LoginSummary, AppUsage, Readiness, ReadinessEntry, ReadinessReason } from './model.js';
import { command } from './shell.js';
import { appNames, inWindow, summarizeLogins, usageOf } from './usage.js';

export type ReadinessOptions = {
  /** the org as the user names it, for the suggested command */
  readonly org: string;
  readonly now: Date;
  readonly windowDays: number;
  readonly usage?: readonly AppUsage[];
  readonly logins?: readonly LoginSummary[];
};

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Why one Connected App is, or is not, ready; the category follows from the reasons. */
export function classifyConversion(c: ConversionInput, options: ReadinessOptions): ReadinessEntry {
  const base = { name: c.name, ...(c.label === undefined ? {} : { label: c.label }) };
  const usage = usageOf(c, options.usage ?? [], options.logins ?? [], options.now, options.windowDays);
  const withUsage = { ...base, usage };
  if (c.skipped === 'converted') {
    return { ...withUsage, category: 'converted', reasons: [{ code: 'converted', message: `An External Client App named ${c.name} exists.` }] };
  }

  const blockers: ReadinessReason[] = [];
  if (c.skipped === 'installed') {
    blockers.push({ code: 'installed', message: 'Installed from a package: its publisher must move it to an External Client App.' });
  }
  const names = new Set(appNames(c));
  const upLogins = (options.logins ?? []).filter(
    (l) => names.has(l.application) && classifyLogin(l) === 'oauth-username-password' && inWindow(l.lastLogin, options.now, options.windowDays)
  );
  if (upLogins.length > 0) {
    const u = summarizeLogins(upLogins);
    blockers.push({
      code: 'username-password-flow',
      message: `${plural(u.logins, 'login')} by ${plural(u.users, 'user')} with the OAuth username-password flow in the last ${options.windowDays} days; External Client Apps do not support it. Move the client to client credentials or JWT bearer first.`,
    });
  }
  const result = c.result;
  if (result === undefined && c.skipped === undefined) {
    blockers.push({ code: 'not-read', message: 'convert did not read this Connected App.' });
  }
  if (result) {
    for (const e of result.report.filter((r) => r.outcome === 'attention')) {
      if (e.source === 'mobileAppConfig' || e.source.startsWith('mobileAppConfig.')) {
        blockers.push({ code: 'mobile', message: e.reason ?? 'The mobile app configuration has no External Client App equivalent.' });
      } else if (e.source === 'canvas' || e.source.startsWith('canvas.') || e.source === 'canvasConfig' || e.source.startsWith('canvasConfig.')) {
        blockers.push({ code: 'canvas', message: e.reason ?? 'The canvas settings are not carried.' });
      }
    }
    if (result.status === 'failed') {
      const first = result.problems[0];
      blockers.push({
        code: 'invalid-result',
        message: `The converted app does not validate (${plural(result.problems.length, 'problem')})${first ? `: ${first.message.replace(/\.$/, '')}` : ''}.`,
      });
    }
  }
  if (blockers.length > 0) return { ...withUsage, category: 'not-convertible', reasons: blockers };

  const attention: ReadinessReason[] = [
    ...(result?.report ?? []).filter((r) => r.outcome === 'attention').map((r) => ({ code: r.source, message: r.reason ?? 'Needs a person.' })),
    ...(result?.notices ?? []).filter((n) => n.severity === 'attention').map((n) => ({ code: n.code, message: n.message })),
  ];
  if (result?.status === 'attention' || attention.length > 0) return { ...withUsage, category: 'attention', reasons: attention };
  return { ...withUsage, category: 'eligible', reasons: [] };
}

const ORDER = { 'not-convertible': 0, attention: 1, eligible: 2, converted: 3 } as const;

export function buildReadiness(conversions: readonly ConversionInput[], options: ReadinessOptions): Readiness {
  const apps = conversions
    .map((c) => classifyConversion(c, options))
    .sort((a, b) => ORDER[a.category] - ORDER[b.category] || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const names = (category: ReadinessEntry['category']): string[] => apps.filter((a) => a.category === category).map((a) => a.name);
  const convert = (list: string[]): string | undefined =>
    list.length === 0 ? undefined : command(['sf eca convert', ['--target-org', options.org], ...list.map((n) => ['--name', n] as const)]);
  const eligible = names('eligible');
  const attention = names('attention');
  const cmd = convert(eligible);
  const attentionCmd = convert(attention);
  return {
    eligible: eligible.length,
    attention: attention.length,
    notConvertible: names('not-convertible').length,
    converted: names('converted').length,
    total: apps.length,
    apps,
    ...(cmd === undefined ? {} : { command: cmd }),
    ...(attentionCmd === undefined ? {} : { attentionCommand: `${attentionCmd} --report-file conversion.md` }),
  };
}
