/**
 * Faults a test (or anyone, through the control endpoint or `--fault`) switches on at run time:
 * latency, server errors with an ErrorId, dropped connections, expired sessions, refresh tokens
 * that no longer work, request limits, a deploy that never finishes, a failing commit, an org that
 * cannot be reached, a clock off by some seconds, apps that take minutes to propagate. A fault with
 * a `count` fires that many times and then stops; without one it fires until cleared.
 */

/** An endpoint key ("soap:deploy", "rest:query", "oauth:token") or a request path ("/services/data/v66.0/query"). */
export type FaultMatch = string | RegExp;

/** match: which requests; count: how many times it fires; skip: how many matching requests pass first. */
export type CountedFault = { match?: FaultMatch; count?: number; skip?: number };
export type ErrorFault = CountedFault & { status?: 500 | 502 | 503 };

export type FaultConfig = {
  /** delay before every answer, in milliseconds */
  latencyMs?: number;
  /** answer HTTP 500 (with Salesforce's ErrorId body), 502 or 503 */
  errors?: ErrorFault[];
  /** destroy the socket without an answer */
  drops?: CountedFault[];
  /** treat the session as expired: REST 401 / SOAP fault INVALID_SESSION_ID, and forget the token */
  expireSession?: CountedFault;
  /** the refresh_token grant answers invalid_grant "expired access/refresh token" (auth that cannot refresh) */
  refreshRevoked?: CountedFault;
  /** REST 403 / SOAP fault REQUEST_LIMIT_EXCEEDED */
  requestLimit?: CountedFault;
  /** deploys stay InProgress until this is cleared or the deploy is canceled */
  deployInProgress?: boolean;
  /**
   * a deploy that is not check-only fails while Salesforce commits it (as with a record lock):
   * every component is rolled back. Check-only deploys pass, so it strikes after a validation.
   */
  commitFailure?: { count?: number; problem?: string; skip?: number; type?: string };
  /** the org cannot be reached: connections are refused (the listeners close) or reset */
  unreachable?: boolean | { mode?: 'refuse' | 'reset' };
  /** Salesforce's clock runs this many seconds ahead of this computer's (negative: behind) */
  clockSkewSeconds?: number;
  /**
   * apps saved less than `minutes` ago issue no tokens yet (Salesforce reports up to 30 minutes for
   * ECAs); answered with `answer`, default invalid_client_id "client identifier invalid"
   */
  propagation?: { minutes?: number; answer?: 'invalid_client_id' | 'app_not_found' };
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

type Live<T extends CountedFault> = T & { remaining: number; toSkip: number };

function live<T extends CountedFault>(f: T): Live<T> {
  return { ...f, remaining: f.count ?? Number.POSITIVE_INFINITY, toSkip: f.skip ?? 0 };
}

function take<T extends CountedFault>(f: Live<T> | undefined, endpoint: string, path: string): f is Live<T> {
  if (!f || f.remaining <= 0 || !matches(f.match, endpoint, path)) return false;
  if (f.toSkip > 0) {
    f.toSkip--;
    return false;
  }
  f.remaining--;
  return true;
}

export type Unreachable = { mode: 'refuse' | 'reset' } | undefined;

export class Faults {
  private latency = 0;
  private errors: Array<Live<ErrorFault>> = [];
  private drops: Array<Live<CountedFault>> = [];
  private expire: Live<CountedFault> | undefined;
  private refresh: Live<CountedFault> | undefined;
  private limit: Live<CountedFault> | undefined;
  private inProgress = false;
  private commit: { remaining: number; problem: string; toSkip: number; type?: string } | undefined;
  private offline: Unreachable;
  private skewSeconds = 0;
  private propagate: { minutes: number; answer: 'invalid_client_id' | 'app_not_found' } | undefined;
  private readonly listeners: Array<() => void> = [];

  /** Replaces every fault with these. */
  public set(config: FaultConfig): void {
    this.clearQuietly();
    this.update(config);
  }

  /** Adds or replaces the faults named, leaving the others. */
  public update(config: FaultConfig): void {
    if (config.latencyMs !== undefined) this.latency = config.latencyMs;
    if (config.errors) this.errors = config.errors.map(live);
    if (config.drops) this.drops = config.drops.map(live);
    if (config.expireSession) this.expire = live(config.expireSession);
    if (config.refreshRevoked) this.refresh = live(config.refreshRevoked);
    if (config.requestLimit) this.limit = live(config.requestLimit);
    if (config.deployInProgress !== undefined) this.inProgress = config.deployInProgress;
    if (config.commitFailure) {
      this.commit = {
        remaining: config.commitFailure.count ?? 1,
        problem: config.commitFailure.problem ?? 'UNABLE_TO_LOCK_ROW: unable to obtain exclusive access to this record or 1 records',
        toSkip: config.commitFailure.skip ?? 0,
        ...(config.commitFailure.type ? { type: config.commitFailure.type } : {}),
      };
    }
    if (config.unreachable !== undefined) {
      this.offline = config.unreachable === false ? undefined : { mode: config.unreachable === true ? 'refuse' : (config.unreachable.mode ?? 'refuse') };
    }
    if (config.clockSkewSeconds !== undefined) this.skewSeconds = config.clockSkewSeconds;
    if (config.propagation) this.propagate = { minutes: config.propagation.minutes ?? 30, answer: config.propagation.answer ?? 'invalid_client_id' };
    this.changed();
  }

  /**
   * The problem a committing deploy fails with, if the commitFailure fault holds for a deploy of
   * these metadata types (its `type` filter); consumes one use, after `skip` deploys passed.
   */
  public takeCommitFailure(types: readonly string[] = []): string | undefined {
    if (!this.commit || this.commit.remaining <= 0) return undefined;
    if (this.commit.type && !types.includes(this.commit.type)) return undefined;
    if (this.commit.toSkip > 0) {
      this.commit.toSkip--;
      return undefined;
    }
    this.commit.remaining--;
    return this.commit.problem;
  }

  /** Whether a refresh_token grant fails now (the refreshRevoked fault); consumes one use. */
  public takeRefreshRevoked(): boolean {
    return take(this.refresh, 'oauth:token', '/services/oauth2/token');
  }

  public clear(): void {
    this.clearQuietly();
    this.changed();
  }

  /** Called after every change (the server opens or closes its listeners for `unreachable`). */
  public onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  public get latencyMs(): number {
    return this.latency;
  }

  public get deployInProgress(): boolean {
    return this.inProgress;
  }

  public get unreachable(): Unreachable {
    return this.offline;
  }

  public get clockSkewSeconds(): number {
    return this.skewSeconds;
  }

  /** Salesforce's time: this computer's, shifted by the clock-skew fault. */
  public now(): number {
    return Date.now() + this.skewSeconds * 1000;
  }

  public get propagation(): { minutes: number; answer: 'invalid_client_id' | 'app_not_found' } | undefined {
    return this.propagate;
  }

  /** The faults in force, as JSON (for the control endpoint). */
  public describe(): Record<string, unknown> {
    const counted = (f: Live<CountedFault> | undefined): unknown =>
      f && f.remaining > 0
        ? { match: f.match instanceof RegExp ? String(f.match) : f.match, remaining: Number.isFinite(f.remaining) ? f.remaining : 'always', ...(f.toSkip > 0 ? { skip: f.toSkip } : {}) }
        : undefined;
    const out: Record<string, unknown> = {
      latencyMs: this.latency || undefined,
      errors: this.errors.filter((e) => e.remaining > 0).map((e) => ({ ...(counted(e) as object), status: e.status ?? 500 })),
      drops: this.drops.map(counted).filter(Boolean),
      expireSession: counted(this.expire),
      refreshRevoked: counted(this.refresh),
      requestLimit: counted(this.limit),
      deployInProgress: this.inProgress || undefined,
      commitFailure:
        this.commit && this.commit.remaining > 0
          ? { remaining: this.commit.remaining, problem: this.commit.problem, ...(this.commit.toSkip > 0 ? { skip: this.commit.toSkip } : {}), ...(this.commit.type ? { type: this.commit.type } : {}) }
          : undefined,
      unreachable: this.offline,
      clockSkewSeconds: this.skewSeconds || undefined,
      propagation: this.propagate,
    };
    return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)));
  }

  /**
   * The fault for this request, if any; consumes one use of it. `authenticated` says whether the
   * request carries a session (only those can expire).
   */
  public decide(endpoint: string, path: string, authenticated: boolean): FaultDecision | undefined {
    if (this.drops.some((f) => take(f, endpoint, path))) return { kind: 'drop' };
    const error = this.errors.find((f) => take(f, endpoint, path));
    if (error) return { kind: 'error', status: error.status ?? 500 };
    if (take(this.limit, endpoint, path)) return { kind: 'requestLimit' };
    if (authenticated && take(this.expire, endpoint, path)) return { kind: 'expireSession' };
    return undefined;
  }

  private clearQuietly(): void {
    this.latency = 0;
    this.errors = [];
    this.drops = [];
    this.expire = undefined;
    this.refresh = undefined;
    this.limit = undefined;
    this.inProgress = false;
    this.commit = undefined;
    this.offline = undefined;
    this.skewSeconds = 0;
    this.propagate = undefined;
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}
