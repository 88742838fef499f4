import express from 'express';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { anEvent, SECOND, T0 } from '../../test/support/store/contract-fixtures.ts';
import { silentLogger } from '../observability/logger.ts';
import type { GroupJoin } from '../store/groups-types.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/types.ts';
import { createAdminRouter } from './admin.ts';

const TOKEN = 'admin-test-token-1234';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const JOIN: GroupJoin = { route: 'triage', key: 'A', waitMs: 30 * SECOND, maxWaitMs: 300 * SECOND, max: 100, cooldownMs: 3600 * SECOND };

let store: Store;
let app: express.Express;

beforeEach(async () => {
  store = await openStore('sqlite::memory:');
  app = express();
  app.use('/admin', createAdminRouter({ token: TOKEN, store, logger: silentLogger(), notifyWorker: () => {}, now: () => T0 }));
});

afterEach(async () => {
  await store.close();
});

async function join(at: number, overrides: Partial<GroupJoin> = {}): Promise<string> {
  const event = anEvent({ receivedAt: at });
  await store.groups.insertShapedEvent(event, [], { joins: [{ ...JOIN, ...overrides }], gates: [] });
  return event.id;
}

describe('GET /admin/groups', () => {
  it('lists the groups waiting to fire, by when they fire, optionally of one route', async () => {
    await join(T0);
    await join(T0 + 10 * SECOND);
    await join(T0 + 5 * SECOND, { route: 'prs', key: '42' });
    const all = await request(app).get('/admin/groups').set(AUTH);
    expect(all.status).toBe(200);
    expect(all.body).toEqual({
      items: [
        {
          route: 'prs',
          key: '42',
          count: 1,
          firstAt: new Date(T0 + 5 * SECOND).toISOString(),
          lastAt: new Date(T0 + 5 * SECOND).toISOString(),
          firesAt: new Date(T0 + 35 * SECOND).toISOString(),
        },
        {
          route: 'triage',
          key: 'A',
          count: 2,
          firstAt: new Date(T0).toISOString(),
          lastAt: new Date(T0 + 10 * SECOND).toISOString(),
          firesAt: new Date(T0 + 40 * SECOND).toISOString(),
        },
      ],
    });
    const one = await request(app).get('/admin/groups?route=triage').set(AUTH);
    expect(one.body.items.map((g: { route: string }) => g.route)).toEqual(['triage']);
    expect((await request(app).get('/admin/groups')).status).toBe(401);
    const bad = await request(app).get('/admin/groups?rout=triage').set(AUTH);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ parameter: 'rout' });
  });
});

describe('GET /admin/events/{id}: shaped routes', () => {
  it('shows the group an event joined, and the cooldown that held another back', async () => {
    const grouped = await join(T0);
    const [group] = await store.groups.claimDueGroups({ now: T0 + 30 * SECOND, limit: 1, leaseMs: SECOND, owner: 'w' });
    await store.groups.fireGroup({ groupId: group!.id, owner: 'w', now: T0 + 30 * SECOND, deliveries: [], cooldownMs: JOIN.cooldownMs });
    const held = await join(T0 + 60 * SECOND);

    const a = await request(app).get(`/admin/events/${grouped}`).set(AUTH);
    expect(a.body.shaped).toEqual([
      {
        route: 'triage',
        outcome: 'grouped',
        group: {
          id: group!.id,
          key: 'A',
          status: 'fired',
          count: 1,
          first_at: new Date(T0).toISOString(),
          last_at: new Date(T0).toISOString(),
          fires_at: new Date(T0 + 30 * SECOND).toISOString(),
          fired_at: new Date(T0 + 30 * SECOND).toISOString(),
          cooldown_until: null,
        },
      },
    ]);
    const b = await request(app).get(`/admin/events/${held}`).set(AUTH);
    expect(b.body.shaped).toEqual([{ route: 'triage', outcome: 'cooldown', until: new Date(T0 + 3630 * SECOND).toISOString() }]);
  });
});
