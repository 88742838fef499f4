/**
 * What ingest logs per event: exactly one `event received` line at info, and for each route whose
 * filter or map failed a separate warn line naming the route (the error is not buried inside the
 * info line).
 */
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RoutesFile } from '../config/types.ts';
import { createLogger } from '../observability/logger.ts';
import { openStore } from '../store/open.ts';
import type { Store } from '../store/types.ts';
import { compileConfig } from './compile.ts';
import { ingest } from './ingest.ts';

const FILE: RoutesFile = {
  version: 1,
  providers: { p: { verify: { type: 'none' } } },
  targets: { t: { url: 'http://127.0.0.1:9/t' } },
  routes: [
    { name: 'fine', from: 'p', to: 't' },
    { name: 'broken-map', from: 'p', map: '$error("no plan")', to: 't' },
    { name: 'broken-filter', from: 'p', filter: '$error("no flag")', to: 't' },
  ],
};

describe('ingest logging', () => {
  let store: Store;
  let lines: Array<Record<string, unknown>>;
  const config = compileConfig(FILE, { path: '/tmp/routes.yaml', dir: '/tmp', sha256: '0'.repeat(64) });

  beforeEach(async () => {
    store = await openStore('sqlite::memory:');
    lines = [];
  });
  afterEach(async () => {
    await store.close();
  });

  function logger() {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    return createLogger({ level: 'info', destination: sink });
  }

  it('logs one info line per event and a warn line per failed route, with the route name', async () => {
    const outcome = await ingest({ config, store, logger: logger() }, 'p', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      query: {},
      rawBody: Buffer.from('{"id":"e1","type":"order.created"}'),
      receivedAt: new Date(),
    });
    expect(outcome.kind).toBe('accepted');
    const received = lines.filter((l) => l.msg === 'event received');
    expect(received).toHaveLength(1);
    expect(received[0]!.level).toBe(30);
    expect(JSON.stringify(received[0])).not.toContain('no plan');
    const failed = lines.filter((l) => l.msg === 'route failed: filter or map error');
    expect(failed.map((l) => [l.level, l.route])).toEqual([
      [40, 'broken-map'],
      [40, 'broken-filter'],
    ]);
    expect(String(failed[0]!.error)).toContain('no plan');
    expect(String(failed[1]!.error)).toContain('no flag');
  });
});
