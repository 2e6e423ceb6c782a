/**
 * Human views shared by commands: the effective settings of an ECA as key/value rows.
 */
import type { EcaSummary } from '../domain/summary.js';

export type SettingRow = { Setting: string; Value: string };

function yesNo(v: boolean | undefined): string {
  return v === undefined ? '' : v ? 'yes' : 'no';
}

export function settingRows(s: EcaSummary): SettingRow[] {
  const rows: Array<[string, string]> = [
    ['Name', s.name],
    ['Label', s.label ?? ''],
    ['Distribution state', s.distributionState ?? ''],
    ['Flows', s.flows.join(', ')],
    ['Scopes', s.scopes.join(', ')],
    ['Callback URLs', s.callbackUrls.join('\n')],
    ['Permitted users', s.permittedUsers ?? ''],
    ['Profiles', s.profiles.join(', ')],
    ['Permission sets', s.permissionSets.join(', ')],
    ['Run-as user', s.runAs ?? ''],
    ['Refresh token policy', s.refreshTokenPolicy ?? ''],
    ['IP relaxation', s.ipRelaxation ?? ''],
    ['Session timeout (minutes)', s.sessionTimeoutInMinutes === undefined ? '' : String(s.sessionTimeoutInMinutes)],
    ['PKCE required', yesNo(s.pkceRequired)],
    ['Consumer secret optional', yesNo(s.consumerSecretOptional)],
  ];
  if (s.certificate) {
    const c = s.certificate;
    rows.push([
      'Certificate',
      c.placeholder ? 'placeholder (substituted at deploy)' : c.invalid ? 'not a valid certificate' : `${c.subject ?? ''}, expires ${c.validTo ?? ''} (${c.daysLeft ?? ''} days)`,
    ]);
  }
  return rows.filter(([, v]) => v !== '').map(([Setting, Value]) => ({ Setting, Value }));
}
