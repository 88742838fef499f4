/**
 * Fire shaping under a storm: N signed Stripe events spread round-robin over 100 group keys.
 *  1. Ungrouped ingest (--no-worker): the same events to a route without `group`, for the ratio.
 *  2. Grouped ingest (--no-worker): every event joins the open group of its key.
 *  3. A --worker-only process on the grouped database fires the groups: exactly 100 fires, whose
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
/** Long enough that no key goes quiet while the storm lasts (each key gets an event every 100). */
const WAIT = '5s';

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

function stormConfig(grouped: boolean): string {
  const shaping = grouped
    ? `    group: { by: '$substringAfter(id, "key-")', wait: ${WAIT}, maxWait: 1h, max: 1000000 }
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

async function ingestRun(
  ctx: BenchContext,
  name: string,
  grouped: boolean,
  events: number,
): Promise<{ result: LoadResult; dir: string; rss: number | null }> {
  const dir = path.join(ctx.work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'routes.yaml'), stormConfig(grouped));
  const child = await startStormHookgate(ctx, name, dir, ['--no-worker']);
  try {
    const pool = new StormPool(events, `${name}${Date.now().toString(36)}`);
    const result = await runLoad({ url: child.url, path: '/webhooks/stripe', pool, connections: ctx.settings.connections, amount: events });
    if ((result.statuses['202'] ?? 0) !== events) {
      throw new Error(`storm: ${name} answered ${JSON.stringify(result.statuses)} to ${events} events (all should be 202)`);
    }
    return { result, dir, rss: child.rss() };
  } finally {
    await child.stop();
  }
}

export async function storm(ctx: BenchContext): Promise<void> {
  const events = ctx.args.quick ? 10_000 : 100_000;
  ctx.log(`storm: ${events.toLocaleString('en-US')} events over ${KEYS} keys, ungrouped ingest (--no-worker)`);
  const plain = await ingestRun(ctx, 'storm-ungrouped', false, events);
  ctx.log('storm: the same storm, grouped ingest (--no-worker)');
  const grouped = await ingestRun(ctx, 'storm-grouped', true, events);

  ctx.log('storm: a --worker-only process fires the groups');
  await sinkStats(ctx.sink, true);
  const worker = await startStormHookgate(ctx, 'storm-worker', grouped.dir, ['--worker-only']);
  let fires: number;
  let workerRss: number | null;
  let counted: number;
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const open = await admin<{ items: unknown[] }>(worker, '/groups');
      const delivered = (await sinkStats(ctx.sink)).count;
      if (open.items.length === 0 && delivered >= KEYS) break;
      if (Date.now() > deadline) throw new Error(`storm: ${open.items.length} groups still open, ${delivered} fires after 120 s`);
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
  const ratio = grouped.result.requestsPerSecond / plain.result.requestsPerSecond;
  ctx.record({
    key: 'storm_ungrouped',
    label: `storm: ingest, ungrouped (${events.toLocaleString('en-US')} events)`,
    unit: 'req/s',
    value: plain.result.requestsPerSecond,
    p50Ms: plain.result.p50Ms,
    p99Ms: plain.result.p99Ms,
    detail: { events, seconds: plain.result.durationSeconds, rssMB: mb(plain.rss) },
  });
  ctx.record({
    key: 'storm_grouped',
    label: `storm: ingest, grouped over ${KEYS} keys`,
    unit: 'req/s',
    value: grouped.result.requestsPerSecond,
    p50Ms: grouped.result.p50Ms,
    p99Ms: grouped.result.p99Ms,
    detail: {
      events,
      seconds: grouped.result.durationSeconds,
      rssMB: mb(grouped.rss),
      groupedToUngrouped: Math.round(ratio * 1000) / 1000,
    },
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
}
