import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EVENT_FILE_FORMAT } from '../plan/event-file.ts';
import type { CliIo } from './deliveries.ts';
import { parseFailOn, runPlan } from './plan.ts';

const CONFIG = (filter: string): string => `version: 1
providers:
  backend:
    verify: { type: hmac, header: x-signature, secret: "\${BACKEND_SECRET}" }
    event: kind
    id: ref
targets:
  a: { url: "http://127.0.0.1:9/a" }
routes:
  - { name: r, from: backend, filter: '${filter}', to: a }
`;

let dir: string;
let out: string[];
let err: string[];
let io: CliIo;

function eventFile(name: string, ref: string, total: number, receivedAt: string): void {
  const file = {
    format: EVENT_FILE_FORMAT,
    provider: 'backend',
    eventType: 'order',
    dedupKey: ref,
    receivedAt,
    status: 'accepted',
    headers: {},
    body: { kind: 'order', ref, total },
  };
  writeFileSync(path.join(dir, 'events', name), JSON.stringify(file));
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'hookgate-cli-plan-'));
  writeFileSync(path.join(dir, 'base.yaml'), CONFIG('total > 1'));
  writeFileSync(path.join(dir, 'routes.yaml'), CONFIG('total > 10'));
  mkdirSync(path.join(dir, 'events', 'nested'), { recursive: true });
  eventFile('a.json', 'small', 5, '2026-11-29T10:00:00Z');
  eventFile('nested/b.json', 'large', 50, '2026-11-30T10:00:00Z');
  out = [];
  err = [];
  io = { out: (l) => out.push(l), err: (l) => err.push(l), env: {}, cwd: dir };
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('hookgate plan', () => {
  it('reads every event file under --events (subfolders too) and all of them by default, however old', async () => {
    expect(await runPlan({ base: 'base.yaml', events: 'events', format: 'json' }, io)).toBe(0);
    const plan = JSON.parse(out.join('\n')) as { events: number; routes: Array<{ route: string; stopFiring: number }> };
    expect(plan.events).toBe(2);
    expect(plan.routes).toMatchObject([{ route: 'r', stopFiring: 1 }]);
  });

  it('takes --since for a folder too: an ISO time or a duration before now', async () => {
    expect(await runPlan({ base: 'base.yaml', events: 'events', since: '2026-11-30', format: 'json' }, io)).toBe(0);
    expect((JSON.parse(out.join('\n')) as { events: number }).events).toBe(1);
    out = [];
    expect(
      await runPlan({ base: 'base.yaml', events: 'events', since: '1h', format: 'json' }, io, () => Date.parse('2026-11-30T10:30:00Z')),
    ).toBe(0);
    expect((JSON.parse(out.join('\n')) as { events: number }).events).toBe(1);
  });

  it.each([
    [{}, /--base <file\|git-ref:REF:PATH> is required/],
    [{ base: 'base.yaml', store: 'sqlite:x.db', events: 'events' }, /give --store or --events, not both/],
    [{ base: 'base.yaml', events: 'events', since: 'soon' }, /--since "soon" is not/],
    [
      { base: 'base.yaml', events: 'events', failOn: 'stop-firing,silence' },
      /--fail-on: "silence" is not one of newly-firing, stop-firing, mapped-differently, map-error/,
    ],
  ])('is a usage error (exit 2): %j', async (options, message) => {
    expect(await runPlan(options, io)).toBe(2);
    expect(err.join('\n')).toMatch(message);
  });

  it('fails (exit 1) naming the bad config or the bad event file', async () => {
    writeFileSync(path.join(dir, 'broken.yaml'), 'version: 1\nproviders: {}\ntargets: {}\nroutes:\n  - { name: r, from: nobody, to: a }\n');
    expect(await runPlan({ base: 'broken.yaml', events: 'events' }, io)).toBe(1);
    expect(err.join('\n')).toMatch(/broken\.yaml is not a valid config:\n {2}broken\.yaml:5:\d+ error/);
    writeFileSync(path.join(dir, 'events', 'nested', 'c.json'), '{"format": "something else"}');
    expect(await runPlan({ base: 'base.yaml', events: 'events' }, io)).toBe(1);
    expect(err.at(-1)).toMatch(/events\/nested\/c\.json: "format" must be "hookgate-event\/1"/);
    expect(await runPlan({ base: 'base.yaml', events: 'nowhere' }, io)).toBe(1);
    expect(err.at(-1)).toMatch(/--events nowhere: no such folder/);
  });

  it('fails when no store is there to read, instead of creating an empty one', async () => {
    expect(await runPlan({ base: 'base.yaml', store: 'sqlite:./none.db' }, io)).toBe(1);
    expect(err.at(-1)).toMatch(/no store at none\.db/);
  });

  it('parses --fail-on lists', () => {
    expect(parseFailOn(undefined)).toEqual([]);
    expect(parseFailOn('stop-firing, map-error,')).toEqual(['stop-firing', 'map-error']);
  });
});
