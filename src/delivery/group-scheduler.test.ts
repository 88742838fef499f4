/** Grouping and cooldown end to end below HTTP: ingest into a real SQLite store, then the scheduler fires on a given clock. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RoutesFile } from '../config/types.ts';
import { silentLogger } from '../observability/logger.ts';
import { compileConfig } from '../pipeline/compile.ts';
import { httpReply, ingest } from '../pipeline/ingest.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/types.ts';
import { ROUTINE_TEXT_LIMIT } from '../targets/routine-text.ts';
import { type GroupFired, GroupScheduler } from './group-scheduler.ts';

const T0 = Date.parse('2026-12-01T10:00:00.000Z');
const S = 1000;

const FILE: RoutesFile = {
  version: 1,
  providers: { sentry: { verify: { type: 'none' } }, mon: { verify: { type: 'none' } } },
  targets: { triage: { routine: { url: 'http://127.0.0.1:9/fire', token: 'tok' } }, hook: { url: 'http://127.0.0.1:9/hook' } },
  routes: [
    {
      name: 'sentry-triage',
      from: 'sentry',
      events: ['issue'],
      group: { by: 'issue.id', wait: '30s', maxWait: '5m', max: 100 },
      cooldown: '1h',
      map: '"Issue " & $group.key & " (" & $group.count & " events): " & issue.title & " ids=" & $join($group.events.id, ",")',
      to: 'triage',
    },
    { name: 'raw-group', from: 'sentry', events: ['raw'], group: { wait: '10s' }, to: 'hook' },
    { name: 'huge', from: 'sentry', events: ['huge'], group: { wait: '10s' }, map: '$join($group.events.body.text, "")', to: 'triage' },
    { name: 'flapping', from: 'mon', cooldown: { by: 'monitor', for: '10m' }, map: '{"monitor": monitor}', to: 'hook' },
  ],
};

describe('group scheduler', () => {
  let store: Store;
  const config = compileConfig(FILE, { path: '/tmp/routes.yaml', dir: '/tmp', sha256: '0'.repeat(64) });
  const fired: GroupFired[] = [];
  let scheduler: GroupScheduler;

  beforeEach(async () => {
    store = await openStore('sqlite::memory:');
    fired.length = 0;
    scheduler = new GroupScheduler({ store, getConfig: () => config, logger: silentLogger(), onFired: (f) => fired.push(f) });
  });
  afterEach(async () => {
    await store.close();
  });

  async function send(provider: string, body: Record<string, unknown>, at: number) {
    const outcome = await ingest({ config, store, logger: silentLogger() }, provider, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      query: {},
      rawBody: Buffer.from(JSON.stringify(body)),
      receivedAt: new Date(at),
    });
    return { outcome, reply: JSON.parse(httpReply(outcome).body) as Record<string, unknown> };
  }

  async function deliveryBodies(route: string): Promise<unknown[]> {
    const page = await store.listDeliveries({ route, limit: 100 });
    return page.items.map((d) => JSON.parse(d.body!.toString()) as unknown);
  }

  it('a storm of two issues becomes one fire per issue, mapped once over every event, after the group went quiet', async () => {
    for (let i = 0; i < 5; i++) {
      const { reply } = await send('sentry', { type: 'issue', n: i, issue: { id: 'A', title: 'boom' } }, T0 + i * S);
      expect(reply).toMatchObject({ status: 'accepted', deliveries: 0, grouped: 1 });
    }
    for (let i = 0; i < 3; i++) await send('sentry', { type: 'issue', n: i, issue: { id: 'B', title: 'bang' } }, T0 + i * S);
    expect(await scheduler.fireDue(T0 + 31 * S)).toBe(0);
    expect(await scheduler.fireDue(T0 + 34 * S)).toBe(2);
    expect(fired.map((f) => [f.key, f.count, f.result])).toEqual([
      ['B', 3, 'fired'],
      ['A', 5, 'fired'],
    ]);
    const texts = (await deliveryBodies('sentry-triage')) as { text: string }[];
    expect(texts.map((t) => t.text.slice(0, t.text.indexOf(' ids=')))).toEqual(
      expect.arrayContaining(['Issue A (5 events): boom', 'Issue B (3 events): bang']),
    );
    expect(await scheduler.fireDue(T0 + 3600 * S)).toBe(0);
    const [a] = (await store.listDeliveries({ route: 'sentry-triage', limit: 10 })).items.filter((d) =>
      d.body!.toString().includes('Issue A'),
    );
    // Stored on the group's last event; the ids are the dedup keys, oldest first.
    const last = await store.getEvent(a!.eventId);
    expect(JSON.parse(last!.rawBody.toString())).toMatchObject({ n: 4, issue: { id: 'A' } });
    const events = await store.listEvents({ provider: 'sentry', limit: 100 });
    const aKeys = events.items
      .filter((e) => e.rawBody.toString().includes('"A"'))
      .sort((x, y) => x.receivedAt - y.receivedAt)
      .map((e) => e.dedupKey);
    expect((JSON.parse(a!.body!.toString()) as { text: string }).text.endsWith(`ids=${aKeys.join(',')}`)).toBe(true);
  });

  it('after a fire, the key cools down: its events are recorded `cooldown` with the end of the window', async () => {
    await send('sentry', { type: 'issue', issue: { id: 'A', title: 't' } }, T0);
    await scheduler.fireDue(T0 + 30 * S);
    const { outcome, reply } = await send('sentry', { type: 'issue', n: 2, issue: { id: 'A', title: 't' } }, T0 + 60 * S);
    expect(reply).toEqual({ status: 'accepted', id: expect.any(String), deliveries: 0 });
    expect(outcome.kind === 'accepted' && outcome.shaped).toEqual([
      { route: 'sentry-triage', outcome: 'cooldown', until: T0 + 30 * S + 3600 * S },
    ]);
    if (outcome.kind !== 'accepted') throw new Error('not accepted');
    expect(await store.groups.eventShapes(outcome.eventId)).toEqual([
      { route: 'sentry-triage', outcome: 'cooldown', group: null, until: T0 + 3630 * S },
    ]);
    await send('sentry', { type: 'issue', n: 3, issue: { id: 'A', title: 't' } }, T0 + 3631 * S);
    expect(await scheduler.fireDue(T0 + 3661 * S)).toBe(1);
    expect(await deliveryBodies('sentry-triage')).toHaveLength(2);
  });

  it('a grouped route without map sends the $group object', async () => {
    await send('sentry', { type: 'raw', x: 1 }, T0);
    await send('sentry', { type: 'raw', x: 2 }, T0 + S);
    await scheduler.fireDue(T0 + 11 * S);
    const [body] = (await deliveryBodies('raw-group')) as Record<string, unknown>[];
    expect(body).toMatchObject({
      key: '',
      count: 2,
      firstAt: new Date(T0).toISOString(),
      lastAt: new Date(T0 + S).toISOString(),
      events: [
        { event: 'raw', receivedAt: new Date(T0).toISOString(), body: { type: 'raw', x: 1 } },
        { event: 'raw', receivedAt: new Date(T0 + S).toISOString(), body: { type: 'raw', x: 2 } },
      ],
    });
  });

  it('a routine text beyond the trigger limit is cut with a visible marker', async () => {
    for (let i = 0; i < 3; i++) await send('sentry', { type: 'huge', text: String(i).repeat(30_000) }, T0 + i);
    await scheduler.fireDue(T0 + 20 * S);
    const [body] = (await deliveryBodies('huge')) as { text: string }[];
    expect(body!.text).toHaveLength(ROUTINE_TEXT_LIMIT);
    expect(body!.text).toMatch(/\[hookgate: text truncated to 65536 of 90000 characters\]$/);
  });

  it('an ungrouped route with a cooldown fires the first event of a key and holds back the rest of the window', async () => {
    const first = await send('mon', { monitor: 'db', n: 1 }, T0);
    expect(first.reply).toMatchObject({ deliveries: 1 });
    const second = await send('mon', { monitor: 'db', n: 2 }, T0 + 60 * S);
    expect(second.reply).toMatchObject({ status: 'accepted', deliveries: 0 });
    const other = await send('mon', { monitor: 'web', n: 3 }, T0 + 60 * S);
    expect(other.reply).toMatchObject({ deliveries: 1 });
    const later = await send('mon', { monitor: 'db', n: 4 }, T0 + 600 * S);
    expect(later.reply).toMatchObject({ deliveries: 1 });
    expect(await deliveryBodies('flapping')).toEqual(expect.arrayContaining([{ monitor: 'db' }, { monitor: 'web' }, { monitor: 'db' }]));
    expect(await deliveryBodies('flapping')).toHaveLength(3);
  });

  it('a group that cannot fire is left to its claim; the other groups fire', async () => {
    await send('sentry', { type: 'issue', issue: { id: 'A', title: 't' } }, T0);
    await send('sentry', { type: 'issue', issue: { id: 'B', title: 't' } }, T0);
    const real = store.groups;
    const [a] = (await real.listOpenGroups()).filter((g) => g.key === 'A');
    const groups = new Proxy(real, {
      get(target, prop) {
        if (prop === 'groupMembers') {
          return async (id: string) => {
            if (id === a?.id) throw new Error('disk on fire');
            return target.groupMembers(id);
          };
        }
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const broken = { ...store, kind: store.kind, groups } as Store;
    const failing = new GroupScheduler({ store: broken, getConfig: () => config, logger: silentLogger(), onFired: (f) => fired.push(f) });
    expect(await failing.fireDue(T0 + 30 * S)).toBe(2);
    expect(fired.map((f) => f.key)).toEqual(['B']);
    // The claim of A runs out (30 s lease), and then it fires.
    expect((await store.groups.listOpenGroups()).map((g) => [g.key, g.status])).toEqual([['A', 'firing']]);
    expect(await scheduler.fireDue(T0 + 61 * S)).toBe(1);
    expect(fired.map((f) => f.key)).toEqual(['B', 'A']);
  });

  it('a group whose route was removed from the config closes without a fire', async () => {
    await send('sentry', { type: 'raw', x: 1 }, T0);
    const without = compileConfig(
      { ...FILE, routes: FILE.routes.filter((r) => r.name !== 'raw-group') },
      { path: '/tmp/routes.yaml', dir: '/tmp', sha256: '1'.repeat(64) },
    );
    const later = new GroupScheduler({ store, getConfig: () => without, logger: silentLogger(), onFired: (f) => fired.push(f) });
    expect(await later.fireDue(T0 + 11 * S)).toBe(1);
    expect(fired).toMatchObject([{ route: 'raw-group', result: 'fired', deliveries: [] }]);
    expect(await store.groups.listOpenGroups()).toEqual([]);
    expect((await store.listDeliveries({ limit: 10 })).items).toEqual([]);
  });

  it('a duplicate of a grouped event joins nothing', async () => {
    const body = { type: 'issue', issue: { id: 'A', title: 't' } };
    await send('sentry', body, T0);
    const again = await send('sentry', body, T0 + S);
    expect(again.outcome.kind).toBe('duplicate');
    expect((await store.groups.listOpenGroups())[0]?.count).toBe(1);
  });
});
