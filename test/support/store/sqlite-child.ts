/**
 * A second process for the SQLite tests (run with `node --import tsx`), so cross-process
 * behaviour is proven with real processes sharing one file:
 *   insert <db> <provider> <count>: migrate, print "ready", wait for a line on stdin, insert the
 *     keys key-0..key-(count-1), print one JSON line of results, exit.
 *   ack <db> <dedupKey>: insert one event, print "acked <eventId>" once it resolved, then idle
 *     until killed.
 */
import { createInterface } from 'node:readline';
import { openSqliteStore } from '../../../src/store/sqlite.ts';
import { aDelivery, anEvent } from './contract-fixtures.ts';

const [mode, dbPath, ...rest] = process.argv.slice(2);

async function insertMode(path: string, provider: string, count: number): Promise<void> {
  const store = openSqliteStore(path);
  await store.migrate();
  const lines = createInterface({ input: process.stdin });
  const go = new Promise<void>(function waitForGo(resolve) {
    lines.once('line', () => resolve());
  });
  process.stdout.write('ready\n');
  await go;
  lines.close();
  const results: Array<{ key: string; ownId: string; duplicate: boolean; eventId: string }> = [];
  for (let i = 0; i < count; i++) {
    const event = anEvent({ provider, dedupKey: `key-${i}` });
    const result = await store.insertEvent(event, [aDelivery()]);
    results.push({ key: event.dedupKey, ownId: event.id, ...result });
  }
  await store.close();
  process.stdout.write(`${JSON.stringify(results)}\n`);
}

async function ackMode(path: string, dedupKey: string): Promise<void> {
  const store = openSqliteStore(path);
  await store.migrate();
  const result = await store.insertEvent(anEvent({ dedupKey }), [aDelivery()]);
  process.stdout.write(`acked ${result.eventId}\n`);
  setInterval(function idle() {}, 60_000);
}

if (mode === 'insert' && dbPath && rest.length === 2) {
  await insertMode(dbPath, rest[0]!, Number(rest[1]));
} else if (mode === 'ack' && dbPath && rest.length === 1) {
  await ackMode(dbPath, rest[0]!);
} else {
  process.stderr.write('usage: sqlite-child.ts insert <db> <provider> <count> | ack <db> <dedupKey>\n');
  process.exit(2);
}
