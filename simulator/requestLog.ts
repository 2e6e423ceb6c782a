/** Every request the simulator answered, with counters per endpoint, for tests and benchmarks. */
import { type FaultMatch, matches } from './faults.js';

export type RequestRecord = {
  seq: number;
  method: string;
  path: string;
  /** "oauth:token", "rest:query", "soap:deploy", ... */
  endpoint: string;
  /** the grant type of a token request, the SOQL of a query, the member list of a read */
  detail?: string;
  status: number;
  /** alias of the org the request reached, when known */
  org?: string;
  fault?: string;
  durationMs: number;
};

export class RequestLog {
  public readonly records: RequestRecord[] = [];
  private seq = 0;

  public add(record: Omit<RequestRecord, 'seq'>): void {
    this.records.push({ seq: ++this.seq, ...record });
  }

  /** How many requests matched: an endpoint key, "soap:*", a path, or a RegExp; all without one. */
  public count(match?: FaultMatch): number {
    return this.records.filter((r) => matches(match, r.endpoint, r.path)).length;
  }

  public counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.records) out[r.endpoint] = (out[r.endpoint] ?? 0) + 1;
    return out;
  }

  public reset(): void {
    this.records.length = 0;
  }
}
