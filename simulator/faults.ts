/**
 * Faults a test switches on at run time: latency, server errors, dropped connections, expired
 * sessions, request limits, a deploy that never finishes. A fault with a `count` fires that many
 * times and then stops; without one it fires until cleared.
 */

/** An endpoint key ("soap:deploy", "rest:query", "oauth:token") or a request path ("/services/data/v66.0/query"). */
export type FaultMatch = string | RegExp;

export type CountedFault = { match?: FaultMatch; count?: number };
export type ErrorFault = CountedFault & { status?: 500 | 502 | 503 };

export type FaultConfig = {
  /** delay before every answer, in milliseconds */
  latencyMs?: number;
  /** answer HTTP 500/502/503 */
  errors?: ErrorFault[];
  /** destroy the socket without an answer */
  drops?: CountedFault[];
  /** treat the session as expired: REST 401 / SOAP fault INVALID_SESSION_ID, and forget the token */
  expireSession?: CountedFault;
  /** REST 403 / SOAP fault REQUEST_LIMIT_EXCEEDED */
  requestLimit?: CountedFault;
  /** deploys stay InProgress until this is cleared or the deploy is canceled */
  deployInProgress?: boolean;
  /**
   * a deploy that is not check-only fails while Salesforce commits it (as with a record lock):
   * every component is rolled back. Check-only deploys pass, so it strikes after a validation.
   */
  commitFailure?: { count?: number; problem?: string };
};

export type FaultDecision =
  | { kind: 'error'; status: number }
  | { kind: 'drop' }
  | { kind: 'expireSession' }
  | { kind: 'requestLimit' };

export function matches(match: FaultMatch | undefined, endpoint: string, path: string): boolean {
  if (match === undefined) return true;
  if (match instanceof RegExp) return match.test(endpoint) || match.test(path);
  if (match.startsWith('/')) return path === match || path.startsWith(match.endsWith('/') ? match : `${match}/`);
  return endpoint === match || (match.endsWith(':*') && endpoint.startsWith(match.slice(0, -1)));
}

type Live<T extends CountedFault> = T & { remaining: number };

function live<T extends CountedFault>(f: T): Live<T> {
  return { ...f, remaining: f.count ?? Number.POSITIVE_INFINITY };
}

export class Faults {
  private latency = 0;
  private errors: Array<Live<ErrorFault>> = [];
  private drops: Array<Live<CountedFault>> = [];
  private expire: Live<CountedFault> | undefined;
  private limit: Live<CountedFault> | undefined;
  private inProgress = false;
  private commit: { remaining: number; problem: string } | undefined;

  /** Replaces every fault with these. */
  public set(config: FaultConfig): void {
    this.clear();
    this.update(config);
  }

  /** Adds or replaces the faults named, leaving the others. */
  public update(config: FaultConfig): void {
    if (config.latencyMs !== undefined) this.latency = config.latencyMs;
    if (config.errors) this.errors = config.errors.map(live);
    if (config.drops) this.drops = config.drops.map(live);
    if (config.expireSession) this.expire = live(config.expireSession);
    if (config.requestLimit) this.limit = live(config.requestLimit);
    if (config.deployInProgress !== undefined) this.inProgress = config.deployInProgress;
    if (config.commitFailure) {
      this.commit = {
        remaining: config.commitFailure.count ?? 1,
        problem: config.commitFailure.problem ?? 'UNABLE_TO_LOCK_ROW: unable to obtain exclusive access to this record or 1 records',
      };
    }
  }

  /** The problem a committing deploy fails with, if the commitFailure fault holds; consumes one use. */
  public takeCommitFailure(): string | undefined {
    if (!this.commit || this.commit.remaining <= 0) return undefined;
    this.commit.remaining--;
    return this.commit.problem;
  }

  public clear(): void {
    this.latency = 0;
    this.errors = [];
    this.drops = [];
    this.expire = undefined;
    this.limit = undefined;
    this.inProgress = false;
    this.commit = undefined;
  }

  public get latencyMs(): number {
    return this.latency;
  }

  public get deployInProgress(): boolean {
    return this.inProgress;
  }

  /**
   * The fault for this request, if any; consumes one use of it. `authenticated` says whether the
   * request carries a session (only those can expire).
   */
  public decide(endpoint: string, path: string, authenticated: boolean): FaultDecision | undefined {
    const take = <T extends CountedFault>(f: Live<T> | undefined): f is Live<T> => {
      if (!f || f.remaining <= 0 || !matches(f.match, endpoint, path)) return false;
      f.remaining--;
      return true;
    };
    if (this.drops.some(take)) return { kind: 'drop' };
    const error = this.errors.find(take);
    if (error) return { kind: 'error', status: error.status ?? 500 };
    if (take(this.limit)) return { kind: 'requestLimit' };
    if (authenticated && take(this.expire)) return { kind: 'expireSession' };
    return undefined;
  }
}
