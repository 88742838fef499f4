/**
 * Closed-loop load with autocannon: N keep-alive connections, each sending the next pre-signed
 * request as soon as the previous answer arrives, for a fixed time or a fixed number of requests.
 */
import autocannon, { type AutocannonRequest, type AutocannonResult } from 'autocannon';
import { eventBody, type SignedRequest } from './fixture.ts';

/** Where the requests come from: a SignedPool, or a scenario's own pre-signed list. */
export interface RequestPool {
  take(): SignedRequest;
  readonly signedDuringRun: number;
}

export interface LoadOptions {
  readonly url: string;
  readonly path: string;
  readonly pool: RequestPool;
  readonly connections: number;
  /** Seconds; or `amount` requests in all. */
  readonly duration?: number;
  readonly amount?: number;
}

export interface LoadResult {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly total: number;
  readonly durationSeconds: number;
  readonly errors: number;
  /** Count per HTTP status, to prove a run measured the path it meant to (202, not 200 duplicate). */
  readonly statuses: Record<string, number>;
  /** Requests signed during the run because the pool ran dry (should be 0). */
  readonly signedDuringRun: number;
}

export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const statuses: Record<string, number> = {};
  const pool = options.pool;
  const signedBefore = pool.signedDuringRun;
  const request: AutocannonRequest = {
    method: 'POST',
    path: options.path,
    setupRequest: function nextSigned(req) {
      const signed = pool.take();
      return {
        ...req,
        headers: { 'content-type': 'application/json', 'stripe-signature': signed.signature },
        body: eventBody(signed.id, 0),
      };
    },
    onResponse: function countStatus(status) {
      statuses[status] = (statuses[status] ?? 0) + 1;
    },
  };
  return new Promise(function run(resolve, reject) {
    autocannon(
      {
        url: options.url,
        connections: options.connections,
        pipelining: 1,
        timeout: 30,
        requests: [request],
        ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.duration ?? 5 }),
      },
      function done(err: Error | null, result: AutocannonResult) {
        if (err) return reject(err);
        const completed = Object.values(statuses).reduce((a, b) => a + b, 0);
        const seconds = result.duration;
        resolve({
          requestsPerSecond: seconds > 0 ? completed / seconds : 0,
          p50Ms: result.latency.p50,
          p99Ms: result.latency.p99,
          total: completed,
          durationSeconds: seconds,
          errors: result.errors + result.timeouts,
          statuses,
          signedDuringRun: pool.signedDuringRun - signedBefore,
        });
      },
    );
  });
}
