import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pendingDelivery } from '../../test/support/admin-fixtures.ts';
import { parseExposition } from '../../test/support/metrics-parse.ts';
import { SECOND, T0 } from '../../test/support/store/contract-fixtures.ts';
import type { AttemptInfo } from '../delivery/worker.ts';
import { HookgateError } from '../errors.ts';
import type { PlannedDelivery } from '../pipeline/ingest.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/types.ts';
import { createMetrics, type Metrics, UNKNOWN_PROVIDER_LABEL } from './metrics.ts';

const NOW = T0 + 100 * SECOND;
let store: Store;
let metrics: Metrics;
let sha = 'a'.repeat(64);

beforeEach(async () => {
  store = await openStore('sqlite::memory:');
  sha = 'a'.repeat(64);
  metrics = createMetrics({
    store,
    groups: store.groups,
    config: () => ({
      sha256: sha,
      providers: new Map([
        ['stripe', {}],
        ['github', {}],
      ]),
    }),
    now: () => NOW,
  });
});

afterEach(async () => {
  await store.close();
});

async function scrape() {
  return parseExposition(await metrics.scrape());
}

const base = { eventId: 'evt_1', provider: 'stripe', eventType: 'x', dedupKey: 'k' };

function planned(target: string, error: string | null = null): PlannedDelivery {
  return { deliveryId: 'dlv_1', route: 'r', target, idempotencyKey: 'hg', mapped: {}, payload: error ? null : Buffer.from('{}'), error };
}

function attempt(overrides: Partial<AttemptInfo>): AttemptInfo {
  return { target: 't', route: 'r', outcome: 'success', statusCode: 200, durationMs: 120, deadReason: null, errorKind: null, ...overrides };
}

describe('createMetrics', () => {
  it('shows a paused target as 1 and a half-open one as 0.5', async () => {
    await store.pauseTarget('gone', null, '410', NOW - 1000);
    await store.pauseTarget('cooling', NOW + 60_000, 'circuit open', NOW - 1000);
    await store.pauseTarget('probing', NOW - 1, 'circuit open', NOW - 60_000);
    const m = await scrape();
    expect(m.value('hookgate_target_paused', { target: 'gone' })).toBe(1);
    expect(m.value('hookgate_target_paused', { target: 'cooling' })).toBe(1);
    expect(m.value('hookgate_target_paused', { target: 'probing' })).toBe(0.5);
  });

  it('exposes every family with its type, and the default process metrics prefixed hookgate_', async () => {
    const m = await scrape();
    expect(
      Object.fromEntries([...m.types].filter(([name]) => !name.startsWith('hookgate_process') && !name.startsWith('hookgate_nodejs'))),
    ).toEqual({
      hookgate_webhooks_received_total: 'counter',
      hookgate_webhooks_rejected_total: 'counter',
      hookgate_delivery_attempts_total: 'counter',
      hookgate_delivery_duration_seconds: 'histogram',
      hookgate_dead_letters_total: 'counter',
      hookgate_queue_depth: 'gauge',
      hookgate_queue_oldest_pending_age_seconds: 'gauge',
      hookgate_target_paused: 'gauge',
      hookgate_budget_used: 'gauge',
      hookgate_budget_held: 'gauge',
      hookgate_config_info: 'gauge',
      hookgate_events_suppressed_total: 'counter',
      hookgate_groups_open: 'gauge',
      hookgate_config_reloads_total: 'counter',
      hookgate_config_last_reload_successful: 'gauge',
      hookgate_log_dropped_total: 'counter',
    });
    expect(m.types.get('hookgate_process_cpu_user_seconds_total')).toBe('counter');
    expect([...m.types.keys()].every((name) => name.startsWith('hookgate_'))).toBe(true);
  });

  it('counts events held back by route and reason, and open groups by route', async () => {
    const join = { route: 'triage', key: 'a', waitMs: 30 * SECOND, maxWaitMs: 300 * SECOND, max: 100, cooldownMs: null };
    await store.migrate();
    for (const key of ['a', 'a', 'b']) {
      await store.groups.insertShapedEvent(
        {
          id: `evt_${Math.random()}`,
          provider: 'stripe',
          eventType: 'x',
          dedupKey: `k${Math.random()}`,
          receivedAt: T0,
          configSha256: sha,
          headers: {},
          rawBody: Buffer.from('{}'),
          status: 'accepted',
          ignored: [],
        },
        [],
        { joins: [{ ...join, key }], gates: [] },
      );
    }
    metrics.onOutcome({
      kind: 'accepted',
      ...base,
      deliveries: [],
      ignored: [],
      shaped: [
        { route: 'triage', outcome: 'grouped', groupId: 'grp_1', count: 1, firesAt: NOW },
        { route: 'alerts', outcome: 'cooldown', until: NOW },
        { route: 'pages', outcome: 'fired' },
      ],
    });
    metrics.onGroupFired({ route: 'triage', key: 'a', count: 7, result: 'cooldown', mapped: null, deliveries: [] });
    const m = await scrape();
    expect(m.value('hookgate_events_suppressed_total', { route: 'triage', reason: 'grouped' })).toBe(1);
    expect(m.value('hookgate_events_suppressed_total', { route: 'triage', reason: 'cooldown' })).toBe(7);
    expect(m.value('hookgate_events_suppressed_total', { route: 'alerts', reason: 'cooldown' })).toBe(1);
    expect(m.value('hookgate_events_suppressed_total', { route: 'pages', reason: 'fired' })).toBe(0);
    expect(m.value('hookgate_groups_open', { route: 'triage' })).toBe(2);
  });

  it('counts ingest outcomes by provider and outcome, and rejections by reason', async () => {
    metrics.onOutcome({ kind: 'accepted', ...base, deliveries: [planned('a'), planned('b', 'map failed')], ignored: [] });
    metrics.onOutcome({ kind: 'accepted', ...base, deliveries: [planned('a')], ignored: [] });
    metrics.onOutcome({ kind: 'ignored', ...base, provider: 'github', ignored: [] });
    metrics.onOutcome({ kind: 'duplicate', ...base });
    metrics.onOutcome({ kind: 'handshake', provider: 'github', reply: { status: 200, contentType: 'text/plain', body: 'c' } });
    metrics.onOutcome({ kind: 'rejected', provider: 'stripe', error: new HookgateError('SIGNATURE_INVALID') });
    metrics.onRejectedEarly('stripe', 'RATE_LIMITED');
    metrics.onRejectedEarly('nobody', 'UNKNOWN_PROVIDER');
    const m = await scrape();
    const received = (provider: string, outcome: string) => m.value('hookgate_webhooks_received_total', { provider, outcome });
    expect(received('stripe', 'accepted')).toBe(2);
    expect(received('github', 'ignored')).toBe(1);
    expect(received('stripe', 'duplicate')).toBe(1);
    expect(received('github', 'handshake')).toBe(1);
    expect(received('stripe', 'rejected')).toBe(2);
    expect(received(UNKNOWN_PROVIDER_LABEL, 'rejected')).toBe(1);
    expect(m.value('hookgate_webhooks_rejected_total', { provider: 'stripe', reason: 'signature_invalid' })).toBe(1);
    expect(m.value('hookgate_webhooks_rejected_total', { provider: 'stripe', reason: 'rate_limited' })).toBe(1);
    expect(m.value('hookgate_webhooks_rejected_total', { provider: UNKNOWN_PROVIDER_LABEL, reason: 'unknown_provider' })).toBe(1);
    // The URL's made-up provider name never becomes a label value.
    expect(m.samples.some((s) => s.labels.provider === 'nobody')).toBe(false);
    expect(m.value('hookgate_dead_letters_total', { target: 'b', reason: 'map_error' })).toBe(1);
  });

  it('counts attempts, times them, and counts dead letters by reason', async () => {
    metrics.onAttempt(attempt({ target: 'a', durationMs: 40 }));
    metrics.onAttempt(attempt({ target: 'a', outcome: 'retry', statusCode: 503, durationMs: 3_000 }));
    metrics.onAttempt(attempt({ target: 'a', outcome: 'dead', statusCode: 400, deadReason: 'rejected' }));
    metrics.onAttempt(attempt({ target: 'r', outcome: 'unknown', statusCode: 500, deadReason: 'unknown' }));
    metrics.onAttempt(attempt({ target: 'gone', outcome: 'dead', statusCode: null, durationMs: 0, deadReason: 'target_missing' }));
    const m = await scrape();
    expect(m.value('hookgate_delivery_attempts_total', { target: 'a', outcome: 'success' })).toBe(1);
    expect(m.value('hookgate_delivery_attempts_total', { target: 'a', outcome: 'retry' })).toBe(1);
    expect(m.value('hookgate_delivery_attempts_total', { target: 'a', outcome: 'dead' })).toBe(1);
    expect(m.value('hookgate_delivery_attempts_total', { target: 'r', outcome: 'unknown' })).toBe(1);
    expect(m.value('hookgate_delivery_duration_seconds_count', { target: 'a' })).toBe(3);
    expect(m.value('hookgate_delivery_duration_seconds_sum', { target: 'a' })).toBeCloseTo(3.16, 6);
    expect(m.value('hookgate_delivery_duration_seconds_bucket', { target: 'a', le: '0.05' })).toBe(1);
    expect(m.value('hookgate_delivery_duration_seconds_bucket', { target: 'a', le: '5' })).toBe(3);
    expect(m.value('hookgate_delivery_duration_seconds_count', { target: 'gone' })).toBe(0);
    expect(m.value('hookgate_dead_letters_total', { target: 'a', reason: 'rejected' })).toBe(1);
    expect(m.value('hookgate_dead_letters_total', { target: 'r', reason: 'unknown' })).toBe(1);
    expect(m.value('hookgate_dead_letters_total', { target: 'gone', reason: 'target_missing' })).toBe(1);
  });

  it('reads queue depth and the oldest pending age from the store at scrape time', async () => {
    expect((await scrape()).samples.filter((s) => s.name.startsWith('hookgate_queue'))).toEqual([]);
    await pendingDelivery(store, { target: 'a' }, { receivedAt: NOW - 30 * SECOND });
    await pendingDelivery(store, { target: 'a' }, { receivedAt: NOW - 5 * SECOND });
    await pendingDelivery(store, { target: 'b' }, { receivedAt: NOW });
    const m = await scrape();
    expect(m.value('hookgate_queue_depth', { target: 'a', state: 'pending' })).toBe(2);
    expect(m.value('hookgate_queue_depth', { target: 'a', state: 'in_flight' })).toBe(0);
    expect(m.value('hookgate_queue_depth', { target: 'b', state: 'pending' })).toBe(1);
    expect(m.value('hookgate_queue_oldest_pending_age_seconds', { target: 'a' })).toBe(30);
    expect(m.value('hookgate_queue_oldest_pending_age_seconds', { target: 'b' })).toBe(0);
  });

  it('labels config_info with the sha256 in force, and follows a reload', async () => {
    expect((await scrape()).value('hookgate_config_info', { sha256: sha })).toBe(1);
    sha = 'b'.repeat(64);
    const m = await scrape();
    expect(m.samples.filter((s) => s.name === 'hookgate_config_info')).toEqual([
      { name: 'hookgate_config_info', labels: { sha256: sha }, value: 1 },
    ]);
  });

  it('still answers when the store cannot, without queue gauges', async () => {
    await store.close();
    const m = await scrape();
    expect(m.samples.some((s) => s.name === 'hookgate_queue_depth')).toBe(false);
    expect(m.value('hookgate_config_info', { sha256: sha })).toBe(1);
    store = await openStore('sqlite::memory:');
  });

  it('counts reloads by result and shows 0 while the last one was refused', async () => {
    expect((await scrape()).value('hookgate_config_last_reload_successful', {})).toBe(1);
    metrics.onReload('applied');
    metrics.onReload('refused');
    let m = await scrape();
    expect(m.value('hookgate_config_reloads_total', { result: 'refused' })).toBe(1);
    expect(m.value('hookgate_config_reloads_total', { result: 'applied' })).toBe(1);
    expect(m.value('hookgate_config_last_reload_successful', {})).toBe(0);
    metrics.onReload('unchanged');
    m = await scrape();
    expect(m.value('hookgate_config_last_reload_successful', {})).toBe(1);
  });

  it('reports the log lines its destination dropped, read at scrape time', async () => {
    let dropped = 0;
    const counted = createMetrics({
      store,
      config: () => ({ sha256: sha, providers: new Map() }),
      defaultMetrics: false,
      logDropped: () => dropped,
    });
    expect(parseExposition(await counted.scrape()).value('hookgate_log_dropped_total', {})).toBe(0);
    dropped = 7;
    expect(parseExposition(await counted.scrape()).value('hookgate_log_dropped_total', {})).toBe(7);
  });

  it('keeps registries apart: two routers in one process do not share counters', async () => {
    const other = createMetrics({ store, config: () => ({ sha256: sha, providers: new Map() }), defaultMetrics: false });
    metrics.onAttempt(attempt({ target: 'a' }));
    expect(parseExposition(await other.scrape()).value('hookgate_delivery_attempts_total', { target: 'a', outcome: 'success' })).toBe(0);
    expect((await scrape()).value('hookgate_delivery_attempts_total', { target: 'a', outcome: 'success' })).toBe(1);
  });
});

describe('parseExposition', () => {
  it('reads labels with escapes, and refuses what is not the text format', () => {
    const m = parseExposition('# HELP x_total a help\n# TYPE x_total counter\nx_total{a="q\\"uote",b="back\\\\slash"} 3\n');
    expect(m.samples).toEqual([{ name: 'x_total', labels: { a: 'q"uote', b: 'back\\slash' }, value: 3 }]);
    expect(() => parseExposition('x_total 1\n')).toThrow(/no TYPE/);
    expect(() => parseExposition('# TYPE x gauge\nx{a=b} 1\n')).toThrow(/bad labels/);
    expect(() => parseExposition('# TYPE x gauge\nx one\n')).toThrow(/not a sample value/);
    expect(() => parseExposition('<html>\n')).toThrow(/not a sample/);
  });
});
