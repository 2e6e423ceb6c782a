/**
 * `sf eca login client-credentials`, the pure part: which URLs can take the client credentials
 * grant, what a refusal of the token endpoint means when all we hold is a consumer key and a
 * secret (no admin session to read the app with: `sf eca doctor` does that), and the one command
 * that renews a login whose token expired.
 *
 * The client credentials grant works only on the org's My Domain: login.salesforce.com and
 * test.salesforce.com answer `invalid_grant` "request not supported on this domain" (public
 * integration guides quote it; simulator truth register row 13). The flow issues no refresh token
 * (Salesforce Help, "OAuth 2.0 Client Credentials Flow"), and @salesforce/core refreshes only
 * with a refresh token or a JWT key, so a stored login is renewed by minting again.
 */
import { PROPAGATION_MINUTES } from '../token/explain.js';
import { CLIENT_SECRET_ENV, isGenericLoginHost } from '../token/flows.js';
import type { TokenFailure } from '../token/response.js';

export type InstanceUrlCheck =
  | { ok: true; url: string }
  | { ok: false; problem: 'not-a-url' | 'not-https' | 'login-host' | 'instance-host'; host?: string };

/** Salesforce instance hosts (na123, cs42, eu5, ...): not an org's My Domain. */
const INSTANCE_HOST = /^(?:[a-z]{2,4}\d+)(?:-[a-z]+)?\.(?:salesforce|force)\.com$/i;

/**
 * The URL the token is asked for and the login stored with: https, the origin only; a login host
 * (login.salesforce.com, test.salesforce.com and their kin) or an instance host is refused.
 */
export function checkInstanceUrl(value: string): InstanceUrlCheck {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return { ok: false, problem: 'not-a-url' };
  }
  if (url.protocol !== 'https:') return { ok: false, problem: 'not-https', host: url.host };
  if (isGenericLoginHost(url.origin)) return { ok: false, problem: 'login-host', host: url.hostname };
  if (INSTANCE_HOST.test(url.hostname)) return { ok: false, problem: 'instance-host', host: url.hostname };
  return { ok: true, url: url.origin };
}

export type LoginTarget = { instanceUrl: string; clientId: string; alias: string };

/** The one command that renews (or first makes) the login; the secret is never on the line. */
export function renewalCommand(t: LoginTarget): string {
  return `${CLIENT_SECRET_ENV}=<consumer secret> sf eca login client-credentials --instance-url ${t.instanceUrl} --client-id ${t.clientId} --alias ${t.alias}`;
}

function doctor(_t: LoginTarget): string {
  return `With an administrator's login of the org, find the cause: sf eca doctor --name <app> --flow client-credentials --target-org <admin alias> (add ${CLIENT_SECRET_ENV} to end with a real token request).`;
}

/** What a refusal of the client credentials grant means, from the answer alone. */
export function explainLoginRefusal(f: TokenFailure, t: LoginTarget): { meaning: string; actions: string[] } {
  const said = `${[f.error, f.description].filter(Boolean).join(': ') || 'no details'} (HTTP ${f.status})`;
  const d = f.description ?? '';
  if (f.status === 0 || f.status >= 500) {
    return {
      meaning: `${t.instanceUrl} did not answer the token request (${said}).`,
      actions: ["Check the org's instance on https://status.salesforce.com, then run the command again.", 'If a proxy sits between you and Salesforce (HTTPS_PROXY), check that it lets the request through.'],
    };
  }
  if (/not supported on this domain/i.test(d) || f.error === 'unsupported_grant_type') {
    return { meaning: `${t.instanceUrl} does not take the client credentials grant (${said}): Salesforce takes it only on the org's My Domain.`, actions: ['Pass the My Domain URL: --instance-url https://<MyDomain>.my.salesforce.com (sandboxes: https://<MyDomain>--<sandbox>.sandbox.my.salesforce.com).'] };
  }
  if (f.error === 'invalid_client_id') {
    return {
      meaning: `No app of this org has the consumer key ${t.clientId} (${said}): the key is mistyped or belongs to another org, or the app was saved moments ago (Salesforce can take up to about ${PROPAGATION_MINUTES} minutes before a new or changed External Client App issues tokens), or it is switched off.`,
      actions: [`If the app was saved less than ${PROPAGATION_MINUTES} minutes ago, wait and run the command again.`, 'Compare the key with Setup > External Client Apps > External Client App Manager > <app> > Settings > OAuth Settings > Consumer Key and Secret.', doctor(t)],
    };
  }
  if (f.error === 'invalid_client' || (/client credentials|client secret/i.test(d) && f.error !== 'invalid_grant')) {
    return {
      meaning: `The consumer secret does not belong to the consumer key ${t.clientId} (${said}): it is mistyped, carries a stray space or line break, or the secret was rotated.`,
      actions: [`Copy the secret again from the app's OAuth Settings (Consumer Key and Secret), and pass it in ${CLIENT_SECRET_ENV}, or pipe it without a line break: printf '%s' "$SECRET" | sf eca login client-credentials ... --secret-stdin`],
    };
  }
  if (/no client credentials user enabled/i.test(d)) {
    return {
      meaning: `The app does not issue client credentials tokens (${said}): the flow must be on in its OAuth settings and its OAuth policies, and the policies must name an active run-as user.`,
      actions: ['Setup > External Client Apps > External Client App Manager > <app> > Policies > Edit > OAuth Policies > Enable Client Credentials Flow, with Run As an active API-only integration user.', doctor(t)],
    };
  }
  if (f.error === 'app_not_found') {
    return { meaning: `Salesforce answered "app_not_found" (${said}): the request reached an org that does not have the app, or a new or changed app is still propagating (up to about ${PROPAGATION_MINUTES} minutes).`, actions: ["Check that --instance-url is the My Domain of the app's org.", doctor(t)] };
  }
  return { meaning: `Salesforce refused the client credentials token (${said}).`, actions: [doctor(t)] };
}
