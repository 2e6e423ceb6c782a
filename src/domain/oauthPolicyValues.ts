/**
 * The OAuth policy values Connected Apps and ECAs spell differently, read in one place:
 * Connected App `oauthPolicy.ipRelaxation` (ENFORCE, BYPASS, ...) and `refreshTokenPolicy`
 * ("infinite", "specific_lifetime:8:HOURS") against the ECA enums (Enforce, Bypass, ...;
 * SpecificLifetime + period + unit). Used by the conversion and by the policy audit.
 */
import { IP_RELAXATION_VALUES, type IpRelaxation, type RefreshTokenPolicy } from './templates.js';

/** Connected App spelling (upper case) -> ECA spelling. */
export const CONNECTED_APP_IP_RELAXATION: Readonly<Record<string, IpRelaxation>> = Object.fromEntries(
  IP_RELAXATION_VALUES.map((v) => [v.toUpperCase(), v])
) as Record<string, IpRelaxation>;

/** An IP relaxation in either spelling ("BYPASS", "Bypass") as the ECA value; undefined when unknown. */
export function ipRelaxationOf(value: string): IpRelaxation | undefined {
  return CONNECTED_APP_IP_RELAXATION[value.trim().toUpperCase()];
}

const REFRESH_TYPES: Readonly<Record<string, RefreshTokenPolicy['type']>> = {
  infinite: 'Infinite',
  zero: 'Zero',
  specific_lifetime: 'SpecificLifetime',
  specific_inactivity: 'SpecificInactivity',
};
const UNITS: Readonly<Record<string, 'Hours' | 'Days' | 'Months'>> = { hours: 'Hours', days: 'Days', months: 'Months' };

/** Connected App `refreshTokenPolicy`: "infinite", "zero", "specific_lifetime:N:HOURS", "specific_inactivity:N:DAYS". */
export function parseConnectedAppRefreshPolicy(value: string): RefreshTokenPolicy | undefined {
  const m = /^([a-z_]+)(?::(\d+):([a-z]+))?$/i.exec(value.trim());
  const type = m ? REFRESH_TYPES[m[1].toLowerCase()] : undefined;
  if (!m || !type) return undefined;
  if (type === 'Infinite' || type === 'Zero') return m[2] === undefined ? { type } : undefined;
  const unit = m[3] === undefined ? undefined : UNITS[m[3].toLowerCase()];
  if (m[2] === undefined || !unit) return undefined;
  return { type, period: Number.parseInt(m[2], 10), unit };
}

/** ECA refreshTokenPolicyType in any case ("specificlifetime") as the enum value. */
export function refreshTokenTypeOf(value: string): RefreshTokenPolicy['type'] | undefined {
  const key = value.trim().toLowerCase().replace(/_/g, '');
  return (['Infinite', 'Zero', 'SpecificLifetime', 'SpecificInactivity'] as const).find((t) => t.toLowerCase() === key);
}

export function refreshTokenUnitOf(value: string): 'Hours' | 'Days' | 'Months' | undefined {
  return UNITS[value.trim().toLowerCase()];
}
