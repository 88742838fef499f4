/**
 * Open-loop load at a fixed rate, for the end-to-end figure. autocannon's `overallRate` is a
 * per-second budget each connection spends as fast as it can at the top of every second (bursts of
 * up to the whole second's requests), so a "1,000 events/s" run would really be 1,000 events in a
 * few tens of ms, then nothing. Here each request leaves at its own slot, i/rate after the start,
 * whatever the previous answers did (no coordinated omission). Each body carries its send time;
 * it is signed at send time (a few microseconds at this rate).
 */
import { Pool } from 'undici';
import { eventBody, freshEventId, stripeSignature } from './fixture.ts';

export interface PacedOptions {
  readonly url: string;
  readonly path: string;
  readonly rate: number;
  readonly seconds: number;
  readonly connections: number;
}

export interface PacedResult {
  readonly sent: number;
  /** Send-to-answer latency of the provider's own request, ms. */
  readonly responseP50Ms: number | null;
  readonly responseP99Ms: number | null;
  readonly statuses: Record<string, number>;
  readonly errors: number;
  /** How late the generator itself was against the schedule, p99 ms (its own noise floor). */
  readonly scheduleLagP99Ms: number | null;
}

export function wallMs(): number {
  return performance.timeOrigin + performance.now();
}

export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? null;
}

export async function runPaced(options: PacedOptions): Promise<PacedResult> {
  const pool = new Pool(options.url, { connections: options.connections, pipelining: 1 });
  const total = Math.round(options.rate * options.seconds);
  const latencies: number[] = [];
  const lags: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  const inFlight = new Set<Promise<void>>();

  async function sendOne(plannedAt: number): Promise<void> {
    const sentAt = wallMs();
    lags.push(sentAt - plannedAt);
    const id = freshEventId();
    const body = eventBody(id, sentAt);
    try {
      const res = await pool.request({
        method: 'POST',
        path: options.path,
        headers: { 'content-type': 'application/json', 'stripe-signature': stripeSignature(body, Math.floor(sentAt / 1000)) },
        body,
      });
      await res.body.dump();
      latencies.push(wallMs() - sentAt);
      statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
    } catch {
      errors++;
    }
  }

  const start = wallMs();
  let sent = 0;
  await new Promise<void>(function schedule(resolve) {
    function tick(): void {
      const due = Math.min(total, Math.floor(((wallMs() - start) * options.rate) / 1000) + 1);
      while (sent < due) {
        const planned = start + (sent * 1000) / options.rate;
        sent++;
        const p = sendOne(planned).finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
      if (sent >= total) {
        resolve();
        return;
      }
      const nextAt = start + (sent * 1000) / options.rate;
      setTimeout(tick, Math.max(0, nextAt - wallMs() - 0.5));
    }
    tick();
  });
  await Promise.allSettled([...inFlight]);
  await pool.close();
  return {
    sent,
    responseP50Ms: percentile(latencies, 50),
    responseP99Ms: percentile(latencies, 99),
    statuses,
    errors,
    scheduleLagP99Ms: percentile(lags, 99),
  };
}
