/**
 * Shared parts of the chaos suite: a config with a routine and a plain target on a loopback sink,
 * signed Stripe events, and the bookkeeping every scenario reports (acknowledged, lost, fired
 * twice, 5xx, unverified forwards). Everything targets 127.0.0.1; every loop is bounded.
 */
import Stripe from 'stripe';
import { type TempDir, tempDir } from '../test/support/router-process.ts';
import type { Sink } from '../test/support/sink.ts';

export const SECRET = 'whsec_chaos_suite_secret';
export const ROUTINE_TOKEN = 'sk-ant-oat01-chaos-routine-token';
export const ENV = { STRIPE_WEBHOOK_SECRET: SECRET, ROUTINE_TOKEN };

export interface Figures {
  /** Requests answered 202. */
  acknowledged: number;
  /** Acknowledged events that never reached a target. Must be 0. */
  lost: number;
  /** Events a routine was fired for more than once. Must be 0. */
  firedTwice: number;
  /** Routine deliveries left `unknown` (a run may have started; a person decides). */
  unknown: number;
  /** Answers 500-599 other than 503 (a 503 asks the provider to retry). Must be 0. */
  serverErrors: number;
  /** Requests that reached a target without a valid signature. Must be 0. */
  unverifiedForwards: number;
  /** Longest time from a process start to its first answered /healthz, in ms. */
  recoveryMs: number;
  /** Free-form notes (counts per status, runs, ...). */
  notes: string[];
  /** What the scenario itself saw go wrong beyond the counts above (each fails the run). */
  problems: string[];
}

export function emptyFigures(): Figures {
  return {
    acknowledged: 0,
    lost: 0,
    firedTwice: 0,
    unknown: 0,
    serverErrors: 0,
    unverifiedForwards: 0,
    recoveryMs: 0,
    notes: [],
    problems: [],
  };
}

export function routesYaml(sink: Sink, store: string, extra = '', targetExtra = ''): string {
  return `version: 1
store: ${store}
providers:
  stripe:
    verify: { type: stripe, secret: "\${STRIPE_WEBHOOK_SECRET}" }
targets:
  routine:
    routine: { url: "${sink.url}/routine/fire", token: "\${ROUTINE_TOKEN}" }
    rateLimit: { concurrency: 4 }
    retry: { initialDelay: 100ms, maxDelay: 500ms }${targetExtra}
  plain:
    url: "${sink.url}/plain"
    rateLimit: { concurrency: 4 }
    retry: { initialDelay: 100ms, maxDelay: 500ms }${targetExtra}
routes:
  - { name: to-routine, from: stripe, events: [charge.succeeded], map: '{"id": id}', to: routine }
  - { name: to-plain, from: stripe, events: [charge.succeeded], map: '{"id": id}', to: plain }
${extra}`;
}

export function signedEvent(id: string, secret = SECRET): { payload: string; headers: Record<string, string> } {
  const payload = JSON.stringify({ id, object: 'event', type: 'charge.succeeded', data: { object: { amount: 100 } } });
  const header = Stripe.webhooks.generateTestHeaderString({ payload, secret });
  return { payload, headers: { 'stripe-signature': header, 'content-type': 'application/json' } };
}

/** The event ids that reached a path of the sink (since `from`, epoch ms), with how many times each did. */
export function arrivals(sink: Sink, path: string, from = 0): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of sink.received(path)) {
    if (r.at < from) continue;
    let id: string | undefined;
    try {
      const body = JSON.parse(r.body) as { id?: string; text?: string };
      id = body.id ?? (body.text ? (JSON.parse(body.text) as { id?: string }).id : undefined);
    } catch {
      id = undefined;
    }
    if (id !== undefined) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

export function workDir(name: string): TempDir {
  return tempDir(`hookgate-chaos-${name}-`);
}

export async function timeToHealthy(url: string, startedAt: number, timeoutMs = 20_000): Promise<number> {
  const ok = await waitUntil(async () => {
    try {
      return (await fetch(`${url}/healthz`)).status === 200;
    } catch {
      return false;
    }
  }, timeoutMs);
  if (!ok) throw new Error(`${url}/healthz did not answer within ${timeoutMs} ms`);
  return Date.now() - startedAt;
}

/** Posts one webhook; the status, or 0 when no answer came (connection refused or reset, or 15 s without one). */
export async function postEvent(url: string, provider: string, payload: string, headers: Record<string, string>): Promise<number> {
  try {
    const res = await fetch(`${url}/webhooks/${provider}`, { method: 'POST', body: payload, headers, signal: AbortSignal.timeout(15_000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}
