/**
 * What can honestly be said about an OAuth consumer's credentials from what the org gives
 * (pure). Salesforce gives no date for the primary credentials (Connect REST "App Oauth
 * Credentials" has no date property); staged credentials carry createdDate and expirationDate
 * ("valid for 30 days unless they're deleted before then", "App Oauth Staged Credentials"). So:
 *
 * - an Active staged pair is pending since its createdDate;
 * - a Rotated pair is the previous primary, still minting until its expirationDate; its expiry 30
 *   days after the rotation dates the rotation, so the current secret's age is inferred from it;
 * - otherwise the current secret's age is unknown, and at most the app's age.
 */

/** Staged credentials are valid for 30 days (Connect REST guide, "App Oauth Staged Credentials"). */
export const STAGED_VALIDITY_DAYS = 30;
const DAY_MS = 86_400_000;

export type StagedFacts = { readonly id: string; readonly state: string; readonly createdDate?: string; readonly expirationDate?: string; readonly createdBy?: string };

export type SecretAge =
  | { readonly known: true; readonly days: number; readonly since: string; readonly basis: string }
  | { readonly known: false; readonly reason: string; readonly atMostDays?: number; readonly appCreatedDate?: string };

export type Pending = { readonly id: string; readonly since?: string; readonly days?: number; readonly expires?: string; readonly createdBy?: string };
export type Previous = { readonly id: string; readonly validUntil?: string; readonly daysLeft?: number };

function days(from: number, to: number): number {
  return Math.max(0, Math.floor((to - from) / DAY_MS));
}

function time(iso: string | undefined): number | undefined {
  const t = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isFinite(t) ? t : undefined;
}

/** An Active staged pair: staged, not yet promoted. */
export function pendingOf(staged: StagedFacts | undefined, now: Date): Pending | undefined {
  if (!staged || staged.state !== 'Active') return undefined;
  const since = time(staged.createdDate);
  return {
    id: staged.id,
    since: staged.createdDate,
    days: since === undefined ? undefined : days(since, now.getTime()),
    expires: staged.expirationDate,
    createdBy: staged.createdBy,
  };
}

/** A Rotated pair: the previous primary credentials, still minting until they expire or are revoked. */
export function previousOf(staged: StagedFacts | undefined, now: Date): Previous | undefined {
  if (!staged || staged.state !== 'Rotated') return undefined;
  const until = time(staged.expirationDate);
  return { id: staged.id, validUntil: staged.expirationDate, daysLeft: until === undefined ? undefined : Math.max(0, Math.ceil((until - now.getTime()) / DAY_MS)) };
}

/**
 * The current secret's age: inferred from a Rotated pair's expiry (the rotation was 30 days
 * before it), else unknown and bounded by the app's creation date.
 */
export function secretAgeOf(input: { staged?: StagedFacts; appCreatedDate?: string; now: Date }): SecretAge {
  const now = input.now.getTime();
  const rotatedUntil = input.staged?.state === 'Rotated' ? time(input.staged.expirationDate) : undefined;
  if (rotatedUntil !== undefined) {
    const since = rotatedUntil - STAGED_VALIDITY_DAYS * DAY_MS;
    return {
      known: true,
      days: days(since, now),
      since: new Date(since).toISOString(),
      basis: `inferred: the previous credentials expire ${STAGED_VALIDITY_DAYS} days after the rotation`,
    };
  }
  const created = time(input.appCreatedDate);
  return {
    known: false,
    reason: 'Salesforce gives no date for the current (primary) credentials',
    ...(created === undefined ? {} : { atMostDays: days(created, now), appCreatedDate: input.appCreatedDate }),
  };
}

/** "412 days", "unknown (at most 412 days: the app was created 2025-01-14)". */
export function describeAge(age: SecretAge): string {
  if (age.known) return `${age.days} days (since ${age.since.slice(0, 10)}, ${age.basis})`;
  return age.atMostDays === undefined ? 'unknown' : `unknown (at most ${age.atMostDays} days: the app was created ${age.appCreatedDate?.slice(0, 10) ?? ''})`;
}
