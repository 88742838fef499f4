/**
 * Fire shaping under a storm: N signed Stripe events spread round-robin over 100 group keys.
 *  1. Two routers (--no-worker) take the storm in turns, a quarter at a time: one with a route
 *     without `group` (for the ratio), one where every event joins the open group of its key.
 *  2. A --worker-only process on the grouped database fires the groups: exactly 100 fires, whose
 *     counts (its `group fired` log lines) add up to N, and nothing else fires afterwards.
 * Records both ingest rates, their ratio, the number of fires and the processes' RSS.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { benchEnv } from '../lib/bench-config.ts';
import { type Child, sleep, startHookgate } from '../lib/children.ts';
import { type BenchContext, mb, sinkStats } from '../lib/context.ts';
import { eventBody, REPO_ROOT, type SignedRequest, stripeSignature } from '../lib/fixture.ts';
import { type LoadResult, runLoad } from '../lib/load.ts';

const KEYS = 100;
const ADMIN_TOKEN = 'bench-admin-token';
/**
 * Longer than the other router's turn (a quarter of the storm), so that no key of the grouped
 * router goes quiet between its turns: each key then fires once, after the last turn.
 */
function waitFor(quick: boolean): string {
  return quick ? '15s' : '60s';
}

/** Pre-signed storm requests; the key is the tail of the event id, where the route's `by` finds it. */
class StormPool {
  readonly #entries: Array<SignedRequest | undefined> = [];
  #next = 0;
  signedDuringRun = 0;

  constructor(events: number, tag: string) {
    const now = Math.floor(Date.now() / 1000);
    for (let n = 0; n < events; n++) {
      const id = `evt_storm_${tag}_${n}_key-${n % KEYS}`;
      this.#entries.push({ id, signature: stripeSignature(eventBody(id, 0), now) });
    }
  }

  take(): SignedRequest {
    const entry = this.#entries[this.#next];
    if (!entry) throw new Error('storm: the pool ran dry (more requests than events)');
    this.#entries[this.#next++] = undefined;
    return entry;
  }
}

function stormConfig(grouped: boolean, wait: string): string {
  const shaping = grouped
    ? `    group: { by: '$substringAfter(id, "key-")', wait: ${wait}, maxWait: 1h, max: 1000000 }
    map: '"storm key " & $group.key & ": " & $string($group.count) & " events"'`
    : `    map: '"storm event " & id'`;
  return `version: 1
server:
  bodyLimit: 1mb
store: sqlite:./hookgate.db
providers:
  stripe:
    verify: { type: stripe, secret: "\${STRIPE_WEBHOOK_SECRET}", tolerance: 1h }
targets:
  storm-routine:
    routine:
      url: "\${SINK_URL}/routines/storm/fire"
      token: "\${ROUTINE_TOKEN}"
    rateLimit: { concurrency: 32 }
routes:
  - name: storm
    from: stripe
    events: [customer.subscription.created]
${shaping}
    to: storm-routine
`;
}

async function startStormHookgate(ctx: BenchContext, name: string, dir: string, flags: readonly string[]): Promise<Child> {
  return startHookgate({
    config: path.join(dir, 'routes.yaml'),
    flags,
    env: { ...benchEnv(ctx.sink.url), HOOKGATE_ADMIN_TOKEN: ADMIN_TOKEN },
    logFile: path.join(dir, `${name}.log`),
    ...(ctx.args.bin ? { bin: path.resolve(ctx.args.bin) } : {}),
    nodeArgs: [
      ...ctx.args.nodeOptions,
      ...(ctx.args.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.join(REPO_ROOT, 'bench/results/profiles', name)}`] : []),
    ],
  });
}

async function admin<T>(child: Child, route: string): Promise<T> {
  const res = await fetch(`${child.url}/admin${route}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  if (!res.ok) throw new Error(`storm: GET /admin${route} answered ${res.status}`);
  return (await res.json()) as T;
}

interface IngestSide {
  readonly name: string;
  readonly dir: string;
  readonly child: Child;
  readonly pool: StormPool;
  seconds: number;
  sent: number;
  p50s: number[];
  p99: number;
  rss: number | null;
}

async function startSide(ctx: BenchContext, name: string, grouped: boolean, events: number): Promise<IngestSide> {
  const dir = path.join(ctx.work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'routes.yaml'), stormConfig(grouped, waitFor(ctx.args.quick)));
  const child = await startStormHookgate(ctx, name, dir, ['--no-worker']);
  const pool = new StormPool(events, `${name}${Date.now().toString(36)}`);
  return { name, dir, child, pool, seconds: 0, sent: 0, p50s: [], p99: 0, rss: null };
}

/** One chunk of the storm into one side; every answer must be 202 (nothing ignored, nothing duplicate). */
async function chunk(ctx: BenchContext, side: IngestSide, amount: number): Promise<void> {
  const result: LoadResult = await runLoad({
    url: side.child.url,
    path: '/webhooks/stripe',
    pool: side.pool,
    connections: ctx.settings.connections,
    amount,
  });
  if ((result.statuses['202'] ?? 0) !== amount) {
    throw new Error(`storm: ${side.name} answered ${JSON.stringify(result.statuses)} to ${amount} events (all should be 202)`);
  }
  side.seconds += result.durationSeconds;
  side.sent += amount;
  side.p50s.push(result.p50Ms);
  side.p99 = Math.max(side.p99, result.p99Ms);
  side.rss = side.child.rss();
}

export async function storm(ctx: BenchContext): Promise<void> {
  const events = ctx.args.quick ? 10_000 : 100_000;
  // The two routers take the storm in turns, a quarter at a time, so that a change in the load
  // of a shared machine falls on both alike.
  const rounds = 4;
  ctx.log(`storm: ${events.toLocaleString('en-US')} events over ${KEYS} keys to an ungrouped and a grouped router (--no-worker), in turns`);
  const plain = await startSide(ctx, 'storm-ungrouped', false, events);
  let grouped: IngestSide;
  try {
    grouped = await startSide(ctx, 'storm-grouped', true, events);
    try {
      for (let round = 0; round < rounds; round++) {
        const amount = events / rounds;
        await chunk(ctx, round % 2 === 0 ? plain : grouped, amount);
        await chunk(ctx, round % 2 === 0 ? grouped : plain, amount);
      }
    } finally {
      await grouped.child.stop();
    }
  } finally {
    await plain.child.stop();
  }

  ctx.log('storm: a --worker-only process fires the groups');
  await sinkStats(ctx.sink, true);
  const worker = await startStormHookgate(ctx, 'storm-worker', grouped.dir, ['--worker-only']);
  let fires: number;
  let workerRss: number | null;
  let counted: number;
  try {
    const deadline = Date.now() + 180_000;
    for (;;) {
      const open = await admin<{ items: unknown[] }>(worker, '/groups');
      const delivered = (await sinkStats(ctx.sink)).count;
      if (open.items.length === 0 && delivered >= KEYS) break;
      if (Date.now() > deadline) throw new Error(`storm: ${open.items.length} groups still open, ${delivered} fires after 180 s`);
      await sleep(200);
    }
    // Anything that would fire twice has had time to.
    await sleep(2_000);
    fires = (await sinkStats(ctx.sink)).count;
    workerRss = worker.rss();
    // The worker's `group fired` log lines: one per fire, with the number of events it listed.
    counted = 0;
    for (const line of readFileSync(path.join(grouped.dir, 'storm-worker.log'), 'utf8').split('\n')) {
      if (!line.includes('"group fired"')) continue;
      counted += Number((JSON.parse(line) as { count?: number }).count ?? 0);
    }
  } finally {
    await worker.stop();
  }
  if (fires !== KEYS || counted !== events) {
    throw new Error(`storm: ${fires} fires listing ${counted} events; expected exactly ${KEYS} fires listing ${events}`);
  }
  const rate = (side: IngestSide): number => side.sent / side.seconds;
  const median = (values: readonly number[]): number => [...values].sort((x, y) => x - y)[values.length >> 1] ?? 0;
  const ratio = rate(grouped) / rate(plain);
  ctx.record({
    key: 'storm_ungrouped',
    label: `storm: ingest, ungrouped (${events.toLocaleString('en-US')} events)`,
    unit: 'req/s',
    value: rate(plain),
    p50Ms: median(plain.p50s),
    p99Ms: plain.p99,
    detail: { events, seconds: plain.seconds, rssMB: mb(plain.rss) },
  });
  ctx.record({
    key: 'storm_grouped',
    label: `storm: ingest, grouped over ${KEYS} keys`,
    unit: 'req/s',
    value: rate(grouped),
    p50Ms: median(grouped.p50s),
    p99Ms: grouped.p99,
    detail: { events, seconds: grouped.seconds, rssMB: mb(grouped.rss), groupedToUngrouped: Math.round(ratio * 1000) / 1000 },
  });
  ctx.record({
    key: 'storm_fires',
    label: `storm: fires for ${events.toLocaleString('en-US')} events (exactly ${KEYS} wanted)`,
    unit: 'fires',
    value: fires,
    detail: { eventsListed: counted, workerRssMB: mb(workerRss) },
  });
  ctx.record({
    key: 'storm_rss_grouped',
    label: 'storm: RSS of the grouped ingest process at the end',
    unit: 'MB',
    value: mb(grouped.rss) ?? 0,
  });
  ctx.record({
    key: 'storm_rss_ungrouped',
    label: 'storm: RSS of the ungrouped ingest process at the end',
    unit: 'MB',
    value: mb(plain.rss) ?? 0,
  });
}
