/**
 * Admin listings with many events stored (default 1,000,000; `--listing-events N`): a SQLite
 * store is filled through the store API (insertEvent calls queued a few thousand at a time, so
 * the group commit makes each batch one transaction), with the benchmark's real request (1.8 KB
 * body, its headers, one delivery) spread over 28 days (the router's retention set to 60 days, so nothing
 * is purged under the measurement); 10% of events ignored, then most
 * deliveries marked delivered and 1% dead. A `hookgate serve` on that file then answers
 * GET /admin/events and /admin/deliveries: the first page, a page half way down (a cursor into the
 * middle), and filtered first pages, each asked repeatedly; the figure is each one's p95.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { encodeCursor } from '../../src/store/cursor.ts';
import { newId } from '../../src/store/ids.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { NewDelivery, NewEvent } from '../../src/store/types.ts';
import { benchConfig } from '../lib/bench-config.ts';
import { type BenchContext, startBenchHookgate } from '../lib/context.ts';
import { eventBody, freshEventId } from '../lib/fixture.ts';
import { percentile, wallMs } from '../lib/paced.ts';
import { fmt, textTable } from '../lib/report.ts';
import { walBatch, walLines } from './throughput.ts';

const ADMIN_TOKEN = 'bench-admin-token-throwaway';
const BATCH = 5_000;
/** Spread of the stored events; the router's retention is set past it and dead letters stay younger than its 30-day dead retention. */
const DAYS = 28;

interface Filled {
  readonly events: number;
  readonly middle: {
    readonly eventTime: number;
    readonly eventId: string;
    readonly dedupKey: string;
    readonly deliveryTime: number;
    readonly deliveryId: string;
  };
  readonly seconds: number;
}

async function fill(file: string, n: number, log: (m: string) => void): Promise<Filled> {
  const store = openSqliteStore(file);
  await store.migrate();
  const started = performance.now();
  const t0 = Date.now() - DAYS * 86_400_000;
  const step = Math.max(1, Math.floor((DAYS * 86_400_000) / n));
  const headers = {
    host: '127.0.0.1',
    'content-type': 'application/json; charset=utf-8',
    'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
    'content-length': '1873',
    accept: '*/*; q=0.5, application/xml',
    'cache-control': 'no-cache',
  };
  const payload = Buffer.from(
    JSON.stringify({ text: JSON.stringify({ event: 'customer.subscription.created', customer_id: 'cus_x', plan: 'pro' }) }),
  );
  let middle: Filled['middle'] | null = null;
  for (let start = 0; start < n; start += BATCH) {
    const writes: Array<Promise<unknown>> = [];
    for (let i = start; i < Math.min(n, start + BATCH); i++) {
      const receivedAt = t0 + i * step;
      // Random like Stripe's ids (and the load generator's): the dedup index is filled at random places.
      const dedupKey = freshEventId();
      const ignored = i % 10 === 9;
      const event: NewEvent = {
        id: newId('evt', receivedAt),
        provider: 'stripe',
        eventType: ignored ? 'invoice.paid' : 'customer.subscription.created',
        dedupKey,
        receivedAt,
        configSha256: 'f'.repeat(64),
        headers,
        rawBody: Buffer.from(eventBody(dedupKey, 0)),
        status: ignored ? 'ignored' : 'accepted',
        ignored: [],
      };
      const deliveries: NewDelivery[] = ignored
        ? []
        : [
            {
              id: newId('dlv', receivedAt),
              route: 'stripe-onboarding-draft',
              target: 'onboarding-routine',
              idempotencyKey: `${event.id}:stripe-onboarding-draft`,
              body: payload,
              status: 'pending',
              nextAttemptAt: receivedAt,
            },
          ];
      if (middle === null && i >= n / 2 && deliveries[0]) {
        middle = { eventTime: receivedAt, eventId: event.id, dedupKey, deliveryTime: receivedAt, deliveryId: deliveries[0].id };
      }
      writes.push(store.insertEvent(event, deliveries));
    }
    await Promise.all(writes);
    if ((start / BATCH) % 40 === 39) log(`listings: ${(start + BATCH).toLocaleString('en-US')} events stored`);
  }
  await store.close();
  // Most deliveries done, 1% dead: the statuses a store that has run a while holds.
  const db = new Database(file);
  db.exec(`
    UPDATE deliveries SET status = 'delivered', attempt_count = 1, updated_at = created_at + 200 WHERE rowid % 100 <> 0;
    UPDATE deliveries SET status = 'dead', dead_reason = 'exhausted', attempt_count = 8, updated_at = created_at + 3600000
      WHERE rowid % 100 = 0 AND rowid % 200 = 0;
  `);
  db.close();
  return { events: n, middle: middle!, seconds: (performance.now() - started) / 1000 };
}

interface Probe {
  readonly name: string;
  readonly path: string;
}

export async function listings(ctx: BenchContext): Promise<void> {
  const n = ctx.args.listingEvents ?? (ctx.args.quick ? 20_000 : 1_000_000);
  const dir = path.join(ctx.work, 'listings');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'routes.yaml'), benchConfig({ routes: 1, concurrency: ctx.settings.workerConcurrency, retention: '60d' }));
  ctx.log(`listings: filling a SQLite store with ${n.toLocaleString('en-US')} events`);
  const filled = await fill(path.join(dir, 'hookgate.db'), n, ctx.log);
  ctx.log(`listings: filled in ${filled.seconds.toFixed(0)} s; measuring admin pages`);
  // No worker: the pending deliveries would otherwise be sent while the pages are read.
  const hg = await startBenchHookgate(ctx, 'listings', { dir, flags: ['--no-worker'], env: { HOOKGATE_ADMIN_TOKEN: ADMIN_TOKEN } });
  const m = filled.middle;
  const eventCursor = encodeCursor('events', { time: m.eventTime, id: m.eventId });
  const deliveryCursor = encodeCursor('deliveries', { time: m.deliveryTime, id: m.deliveryId });
  const probes: Probe[] = [
    { name: 'events, first page', path: '/admin/events?limit=50' },
    { name: 'events, page half way down', path: `/admin/events?limit=50&cursor=${eventCursor}` },
    { name: 'events, status=ignored', path: '/admin/events?limit=50&status=ignored' },
    { name: 'events, provider+event', path: '/admin/events?limit=50&provider=stripe&event=customer.subscription.created' },
    { name: 'events, dedup_key (one event)', path: `/admin/events?limit=50&dedup_key=${m.dedupKey}` },
    { name: 'events, dedup_key+provider', path: `/admin/events?limit=50&provider=stripe&dedup_key=${m.dedupKey}` },
    { name: 'events, q=<a dedup key> (search)', path: `/admin/events?limit=50&q=${m.dedupKey}` },
    { name: 'events, q=<an event type> (search)', path: '/admin/events?limit=50&q=invoice.paid' },
    { name: 'deliveries, first page', path: '/admin/deliveries?limit=50' },
    { name: 'deliveries, page half way down', path: `/admin/deliveries?limit=50&cursor=${deliveryCursor}` },
    { name: 'deliveries, status=dead', path: '/admin/deliveries?limit=50&status=dead' },
    { name: 'deliveries, status=pending', path: '/admin/deliveries?limit=50&status=pending' },
    // The inspector asks for these every few seconds while it is open.
    { name: 'activity chart, last 3 h (stats)', path: '/admin/stats?since=3h' },
    { name: 'targets health', path: '/admin/targets' },
  ];
  const rounds = ctx.args.quick ? 10 : 40;
  const results: Array<{ name: string; path: string; p50Ms: number | null; p95Ms: number | null; items: number }> = [];
  let wal: Awaited<ReturnType<typeof walBatch>> | null = null;
  try {
    // Unlike a first-ever request, a page the server has read before is in SQLite's and the OS's cache; one unmeasured round first.
    for (const probe of probes) await get(hg.child.url, probe.path);
    for (const probe of probes) {
      const times: number[] = [];
      let items = 0;
      for (let i = 0; i < rounds; i++) {
        const t = wallMs();
        items = await get(hg.child.url, probe.path);
        times.push(wallMs() - t);
      }
      results.push({ name: probe.name, path: probe.path, p50Ms: percentile(times, 50), p95Ms: percentile(times, 95), items });
    }
    // What ingest writes once the store is big: the dedup index no longer fits a few pages.
    ctx.log(`listings: WAL per event with ${n.toLocaleString('en-US')} events stored`);
    wal = await walBatch(ctx, hg);
  } finally {
    await hg.child.stop();
  }
  const worst = Math.max(...results.map((r) => r.p95Ms ?? Number.POSITIVE_INFINITY));
  ctx.section('listings', { events: n, fillSeconds: filled.seconds, rounds, worstP95Ms: worst, results }, [
    `admin listings with ${n.toLocaleString('en-US')} events stored (${rounds} requests each, over HTTP; worst p95 ${fmt(worst)} ms):`,
    textTable(
      ['listing', 'items', 'p50 ms', 'p95 ms'],
      results.map((r) => [r.name, String(r.items), fmt(r.p50Ms), fmt(r.p95Ms)]),
    ),
  ]);
  if (wal)
    ctx.section(
      'wal_large_store',
      wal,
      walLines(wal).map((line) => `[${n.toLocaleString('en-US')} events stored] ${line}`),
    );
}

async function get(base: string, pathAndQuery: string): Promise<number> {
  const res = await fetch(`${base}${pathAndQuery}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  const body = (await res.json()) as { items?: unknown[] };
  if (res.status !== 200) throw new Error(`listings: ${pathAndQuery} answered ${res.status} ${JSON.stringify(body)}`);
  return body.items?.length ?? 0;
}
