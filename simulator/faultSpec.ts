/**
 * Faults written as short specs, for `npm run simulator -- --fault <spec>` and the control
 * endpoint: `name[:key=value,key=value]`.
 *
 *   unreachable[:mode=refuse|reset]     connections refused (listeners closed) or reset
 *   error[:status=500|502|503,match=M,count=N,skip=K]   500 answers carry Salesforce's ErrorId body
 *   auth-expired                        every session expired, and refresh answers invalid_grant
 *   expired-session[:match=M,count=N]   sessions expire (the client may refresh)
 *   refresh-revoked[:count=N]           the refresh_token grant answers invalid_grant
 *   request-limit[:match=M,count=N]     REQUEST_LIMIT_EXCEEDED
 *   deploy-in-progress                  deploys stay InProgress
 *   deploy-drop[:count=N]               the connection drops on every deploy status poll
 *   drop[:match=M,count=N]              the connection drops
 *   commit-failure[:count=N,skip=K,type=T]   a deploy (of a type T) fails while committing (UNABLE_TO_LOCK_ROW)
 *   latency:ms=N                        every answer waits N ms
 *   clock-skew:seconds=N                Salesforce's clock runs N seconds ahead (negative: behind)
 *   propagation[:minutes=N,answer=invalid_client_id|app_not_found]   new apps issue no tokens yet
 *
 * M is an endpoint key ("soap:deploy", "rest:query", "oauth:token", "soap:*") or a path. skip=K lets
 * the first K matching requests (or committing deploys) pass: `commit-failure:skip=1,type=Settings`
 * fails the second deploy of org settings (the restore after a temporary change).
 */
import type { CountedFault, FaultConfig } from './faults.js';

export class FaultSpecError extends Error {}

function parseParams(spec: string, text: string | undefined): Map<string, string> {
  const params = new Map<string, string>();
  for (const part of (text ?? '').split(',').filter((p) => p.trim() !== '')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new FaultSpecError(`"${spec}": "${part}" is not key=value`);
    params.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return params;
}

function int(spec: string, params: Map<string, string>, key: string): number | undefined {
  const v = params.get(key);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new FaultSpecError(`"${spec}": ${key} must be a whole number, not "${v}"`);
  return n;
}

function counted(spec: string, params: Map<string, string>): CountedFault {
  const count = int(spec, params, 'count');
  const skip = int(spec, params, 'skip');
  const match = params.get('match');
  return { ...(match ? { match } : {}), ...(count !== undefined ? { count } : {}), ...(skip !== undefined ? { skip } : {}) };
}

function only(spec: string, params: Map<string, string>, allowed: string[]): void {
  const extra = [...params.keys()].filter((k) => !allowed.includes(k));
  if (extra.length) throw new FaultSpecError(`"${spec}": unknown ${extra.join(', ')} (this fault takes ${allowed.join(', ') || 'nothing'})`);
}

/** One spec as a fault configuration; throws FaultSpecError with what is wrong. */
export function parseFaultSpec(spec: string): FaultConfig {
  const colon = spec.indexOf(':');
  const name = (colon < 0 ? spec : spec.slice(0, colon)).trim().toLowerCase();
  const params = parseParams(spec, colon < 0 ? undefined : spec.slice(colon + 1));
  switch (name) {
    case 'unreachable': {
      only(spec, params, ['mode']);
      const mode = params.get('mode') ?? 'refuse';
      if (mode !== 'refuse' && mode !== 'reset') throw new FaultSpecError(`"${spec}": mode is refuse or reset`);
      return { unreachable: { mode } };
    }
    case 'error':
    case '500': {
      only(spec, params, ['status', 'match', 'count', 'skip']);
      const status = int(spec, params, 'status') ?? 500;
      if (status !== 500 && status !== 502 && status !== 503) throw new FaultSpecError(`"${spec}": status is 500, 502 or 503`);
      return { errors: [{ ...counted(spec, params), status }] };
    }
    case 'auth-expired':
      only(spec, params, []);
      return { expireSession: {}, refreshRevoked: {} };
    case 'expired-session':
      only(spec, params, ['match', 'count', 'skip']);
      return { expireSession: counted(spec, params) };
    case 'refresh-revoked':
      only(spec, params, ['count', 'skip']);
      return { refreshRevoked: counted(spec, params) };
    case 'request-limit':
      only(spec, params, ['match', 'count', 'skip']);
      return { requestLimit: counted(spec, params) };
    case 'deploy-in-progress':
      only(spec, params, []);
      return { deployInProgress: true };
    case 'deploy-drop':
      only(spec, params, ['count', 'skip']);
      return { drops: [{ ...counted(spec, params), match: 'soap:checkDeployStatus' }] };
    case 'drop':
      only(spec, params, ['match', 'count', 'skip']);
      return { drops: [counted(spec, params)] };
    case 'commit-failure': {
      only(spec, params, ['count', 'skip', 'type']);
      const skip = int(spec, params, 'skip');
      const type = params.get('type');
      return { commitFailure: { count: int(spec, params, 'count') ?? 1, ...(skip !== undefined ? { skip } : {}), ...(type ? { type } : {}) } };
    }
    case 'latency': {
      only(spec, params, ['ms']);
      const ms = int(spec, params, 'ms');
      if (ms === undefined || ms < 0) throw new FaultSpecError(`"${spec}": give ms=<milliseconds>`);
      return { latencyMs: ms };
    }
    case 'clock-skew': {
      only(spec, params, ['seconds']);
      const seconds = int(spec, params, 'seconds');
      if (seconds === undefined) throw new FaultSpecError(`"${spec}": give seconds=<n>`);
      return { clockSkewSeconds: seconds };
    }
    case 'propagation': {
      only(spec, params, ['minutes', 'answer']);
      const answer = params.get('answer') ?? 'invalid_client_id';
      if (answer !== 'invalid_client_id' && answer !== 'app_not_found') throw new FaultSpecError(`"${spec}": answer is invalid_client_id or app_not_found`);
      return { propagation: { minutes: int(spec, params, 'minutes') ?? 30, answer } };
    }
    default:
      throw new FaultSpecError(
        `unknown fault "${name}": use unreachable, error, auth-expired, expired-session, refresh-revoked, request-limit, deploy-in-progress, deploy-drop, drop, commit-failure, latency, clock-skew or propagation`
      );
  }
}

/** Several specs as one configuration (lists of errors and drops add up). */
export function parseFaultSpecs(specs: readonly string[]): FaultConfig {
  const out: FaultConfig = {};
  for (const spec of specs) {
    const c = parseFaultSpec(spec);
    const errors = [...(out.errors ?? []), ...(c.errors ?? [])];
    const drops = [...(out.drops ?? []), ...(c.drops ?? [])];
    Object.assign(out, c);
    if (errors.length) out.errors = errors;
    if (drops.length) out.drops = drops;
  }
  return out;
}
