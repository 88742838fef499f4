/**
 * The routes.yaml a benchmark run serves: the example's Stripe route (same filter and map, plus
 * the send time the end-to-end run reads at the sink), a routine target on the loopback sink, a
 * SQLite store in the run's temp dir (every commit synced to disk before it is answered, as
 * always), and optionally many more routes on the same provider that listen to other event types.
 *
 * Unlike the example, no inbound `server.rateLimit` (600/min per client would answer 429 to a
 * benchmark) and no rate limit on the target (the delivery figure is the worker's, not a limit's).
 */
import { BENCH_ROUTINE_TOKEN, BENCH_STRIPE_SECRET } from './fixture.ts';

export interface BenchConfigOptions {
  /** Routes on the stripe provider in all; one of them matches the benchmark's event. */
  readonly routes: number;
  /** Parallel requests the worker may have open to the sink. */
  readonly concurrency: number;
  /** `retention:` (default the router's, 7d): a store filled with older events must not be purged under the measurement. */
  readonly retention?: string;
}

/** The benchmark route's JSONata filter and map (the example's, plus the send time); the floor server uses them too. */
export const BENCH_FILTER = 'data.object.status in ["active", "trialing"]';
export const BENCH_MAP = `{
  "event": $event,
  "customer_id": data.object.customer,
  "customer_email": data.object.customer_email,
  "customer_name": data.object.customer_name,
  "plan": data.object.items.data[0].price.nickname,
  "sent_at": data.object.metadata.bench_sent_at
}`;

/** Event types the extra routes listen to: real Stripe types, none of them the benchmark's. */
const OTHER_TYPES = [
  'invoice.paid',
  'invoice.payment_failed',
  'charge.refunded',
  'charge.succeeded',
  'checkout.session.completed',
  'payment_intent.succeeded',
  'customer.created',
  'customer.subscription.deleted',
  'customer.subscription.updated',
  'product.*',
];

function extraRoute(index: number): string {
  const type = OTHER_TYPES[index % OTHER_TYPES.length]!;
  // Every tenth route is listed under its own name too, so the patterns are not all alike.
  const events = index % 10 === 9 ? `[${type}, bench.type_${index}]` : `[${type}]`;
  return `
  - name: bench-route-${index}
    from: stripe
    events: ${events}
    filter: data.object.status = "active"
    map: '{"event": $event, "customer_id": data.object.customer, "n": ${index}}'
    to: onboarding-routine`;
}

export function benchConfig(options: BenchConfigOptions): string {
  const extra: string[] = [];
  for (let i = 1; i < options.routes; i++) extra.push(extraRoute(i));
  return `version: 1
${options.retention ? `retention: ${options.retention}\n` : ''}server:
  bodyLimit: 1mb
store: sqlite:./hookgate.db
providers:
  stripe:
    verify: { type: stripe, secret: "\${STRIPE_WEBHOOK_SECRET}", tolerance: 5m }
targets:
  onboarding-routine:
    routine:
      url: "\${SINK_URL}/routines/onboarding/fire"
      token: "\${ROUTINE_TOKEN}"
    timeout: 30s
    rateLimit: { concurrency: ${options.concurrency} }
routes:
  - name: stripe-onboarding-draft
    from: stripe
    events: [customer.subscription.created]
    filter: ${BENCH_FILTER}
    map: |
${BENCH_MAP.split('\n')
  .map((line) => `      ${line}`)
  .join('\n')}
    to: onboarding-routine
${extra.join('\n')}
`;
}

export function benchEnv(sinkUrl: string): Record<string, string> {
  return { STRIPE_WEBHOOK_SECRET: BENCH_STRIPE_SECRET, ROUTINE_TOKEN: BENCH_ROUTINE_TOKEN, SINK_URL: sinkUrl };
}
