/**
 * Salesforce-shaped identifiers: 18-character record ids (15-character case-sensitive id plus the
 * 3-character case-safe suffix), org-prefixed access tokens, consumer keys and secrets.
 */
import { randomBytes } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** Well-known key prefixes of the objects the simulator serves. */
export const KEY_PREFIX = {
  Organization: '00D',
  User: '005',
  Profile: '00e',
  PermissionSet: '0PS',
  ExternalClientApplication: '0xI',
  ExtlClntAppOauthPlcyCnfg: '0xJ',
  ConnectedApplication: '0H4',
  OauthConsumer: '888',
  OauthToken: '0CQ',
  PermissionSetAssignment: '0Pa',
  LoginHistory: '0Ya',
  ScratchOrgInfo: '2SR',
  /** Publisher: prefix UNCONFIRMED */
  Publisher: '0Pb',
  /** staged OAuth credentials: the real key prefix is not public (UNCONFIRMED) */
  StagedCredential: '1Sg',
  SetupEntityAccess: '0J0',
  DeployRequest: '0Af',
  RetrieveRequest: '09S',
  MetadataComponent: '0Ho',
} as const;

/** The case-safe 3-character suffix Salesforce appends to a 15-character id. */
export function caseSafeSuffix(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const ch = id15[chunk * 5 + i];
      if (ch >= 'A' && ch <= 'Z') bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET[bits];
  }
  return suffix;
}

export function to18(id: string): string {
  return id.length === 18 ? id : id + caseSafeSuffix(id);
}

export function to15(id: string): string {
  return id.slice(0, 15);
}

/** True when two ids (15 or 18 characters) name the same record. */
export function sameId(a: string, b: string): boolean {
  return to15(a) === to15(b);
}

function base62(n: number, width: number): string {
  let out = '';
  let v = n;
  for (let i = 0; i < width; i++) {
    out = BASE62[v % 62] + out;
    v = Math.floor(v / 62);
  }
  return out;
}

export function randomString(length: number, alphabet: string = BASE62): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[bytes[i] % alphabet.length];
  return out;
}

/** Hands out record ids: deterministic per simulator (prefix, pod "5g", a running number). */
export class IdFactory {
  private next = 1;

  public id(prefix: string): string {
    const id15 = `${prefix}5g00000${base62(this.next++, 5)}`;
    return to18(id15);
  }
}

/** An opaque access token as core expects it: `00D<15 chars>!<token>`. */
export function accessToken(orgId: string): string {
  return `${to15(orgId)}!${randomString(96, `${BASE62}._`)}`;
}

/** A refresh token (characters an sfdx auth URL accepts). */
export function refreshToken(): string {
  return `5Aep861${randomString(80, `${BASE62}.`)}`;
}

/** A one-time authorization code (web server flow; a scratch org signup's AuthCode). */
export function authCode(): string {
  return `aPrx${randomString(60, `${BASE62}.=`)}`;
}

/** A consumer key in Salesforce's form: "3MVG9" then 80 characters, 85 in all. */
export function consumerKey(): string {
  return `3MVG9${randomString(80, `${BASE62}._`)}`;
}

/** A consumer secret: 64 hexadecimal characters, upper case, as Salesforce generates them. */
export function consumerSecret(): string {
  return randomBytes(32).toString('hex').toUpperCase();
}
