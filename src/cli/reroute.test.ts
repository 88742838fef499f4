/** `hookgate reroute` against a routes file and a SQLite store on disk. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../observability/logger.ts';
import { compileConfig } from '../pipeline/compile.ts';
import { ingest } from '../pipeline/ingest.ts';
import { openStore } from '../store/open.ts';
import type { CliIo } from './deliveries.ts';
import { runReroute } from './reroute.ts';

const routes = (events: string) => `version: 1
store: sqlite:./hookgate.db
providers:
  p: { verify: { type: none } }
targets:
  t: { url: "http://127.0.0.1:9/t" }
routes:
  - { name: orders, from: p, events: [${events}], to: t }
`;

describe('hookgate reroute', () => {
  let dir: string;
  let out: string[];
  let err: string[];
  let io: CliIo;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'hookgate-reroute-'));
    out = [];
    err = [];
    io = { out: (l) => out.push(l), err: (l) => err.push(l), env: {}, cwd: dir };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function seedIgnored(): Promise<string> {
    const store = await openStore(`sqlite:${path.join(dir, 'hookgate.db')}`);
    try {
      const config = compileConfig(
        {
          version: 1,
          providers: { p: { verify: { type: 'none' } } },
          targets: { t: { url: 'http://127.0.0.1:9/t' } },
          routes: [{ name: 'orders', from: 'p', events: ['nothing'], to: 't' }],
        },
        { path: path.join(dir, 'routes.yaml'), dir, sha256: '0'.repeat(64) },
      );
      const outcome = await ingest({ config, store, logger: silentLogger() }, 'p', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        query: {},
        rawBody: Buffer.from('{"id":"x1","type":"order.paid"}'),
        receivedAt: new Date(),
      });
      if (outcome.kind !== 'ignored') throw new Error(outcome.kind);
      return outcome.eventId;
    } finally {
      await store.close();
    }
  }

  it('reroutes ignored events by filter after the routes file was fixed (dry run first)', async () => {
    const eventId = await seedIgnored();
    writeFileSync(path.join(dir, 'routes.yaml'), routes('order.paid'));
    const config = path.join(dir, 'routes.yaml');
    expect(await runReroute([], { config, status: 'ignored', dryRun: true }, io)).toBe(0);
    expect(out.at(-1)).toBe('would reroute 1 events (dry run: nothing changed)');
    expect(out[0]).toContain(eventId);
    expect(await runReroute([], { config, status: 'ignored', json: true }, io)).toBe(0);
    expect(JSON.parse(out.at(-1)!)).toEqual({ rerouted: 1, accepted: 1, truncated: false });
    const store = await openStore(`sqlite:${path.join(dir, 'hookgate.db')}`);
    expect((await store.getEvent(eventId))?.deliveries.map((d) => d.route)).toEqual(['orders']);
    await store.close();
  });

  it('reroutes by id, exits 1 for an unknown id, and 2 for ids mixed with filters', async () => {
    const eventId = await seedIgnored();
    writeFileSync(path.join(dir, 'routes.yaml'), routes('order'));
    const config = path.join(dir, 'routes.yaml');
    expect(await runReroute([eventId, 'evt_missing'], { config }, io)).toBe(1);
    expect(out[0]).toMatch(new RegExp(`^${eventId} \\(.*\\): accepted, 1 new delivery orders->t$`));
    expect(out[1]).toBe('evt_missing: no such event');
    expect(await runReroute([eventId], { config, status: 'ignored' }, io)).toBe(2);
    expect(err.join('\n')).toMatch(/not both/);
  });
});
