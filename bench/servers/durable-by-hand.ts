/**
 * Durable by hand: what a careful engineer writes in an afternoon. express + express.raw, the
 * Stripe SDK's constructEvent, the bench route's type and status check and mapping in plain
 * JavaScript, then better-sqlite3 in WAL with synchronous=FULL: one transaction per request that
 * inserts the event (INSERT OR IGNORE on the provider's event id) and, when it is new, one outbox
 * row with the mapped payload; 202 once COMMIT (and its fsync) returned. Durable, but every fsync
 * blocks the event loop and nothing is shared between requests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import express from 'express';
import Stripe from 'stripe';

const secret = process.env.STRIPE_WEBHOOK_SECRET ?? '';
const stripe = new Stripe('sk_test_bench_unused');
const dir = mkdtempSync(path.join(process.env.BENCH_DIR ?? tmpdir(), 'durable-by-hand-'));

const db = new Database(path.join(dir, 'webhooks.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec(`
  CREATE TABLE events (
    id          TEXT PRIMARY KEY,
    type        TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    body        BLOB NOT NULL
  );
  CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY,
    event_id   TEXT NOT NULL REFERENCES events (id),
    payload    TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    sent_at    INTEGER
  );
  CREATE INDEX outbox_unsent ON outbox (sent_at, id);
`);
const insertEvent = db.prepare('INSERT OR IGNORE INTO events (id, type, received_at, body) VALUES (?, ?, ?, ?)');
const insertOutbox = db.prepare('INSERT INTO outbox (event_id, payload, created_at) VALUES (?, ?, ?)');
const store = db.transaction(function store(id: string, type: string, body: Buffer, payload: string | null): boolean {
  const now = Date.now();
  const fresh = insertEvent.run(id, type, now, body).changes === 1;
  if (fresh && payload !== null) insertOutbox.run(id, payload, now);
  return fresh;
});

interface SubscriptionFields {
  status?: string;
  customer?: string;
  customer_email?: string;
  customer_name?: string;
  items?: { data?: Array<{ price?: { nickname?: string } }> };
  metadata?: { bench_sent_at?: number };
}

function payloadOf(event: Stripe.Event): string | null {
  if (event.type !== 'customer.subscription.created') return null;
  const sub = event.data.object as unknown as SubscriptionFields;
  if (sub.status !== 'active' && sub.status !== 'trialing') return null;
  return JSON.stringify({
    event: event.type,
    customer_id: sub.customer,
    customer_email: sub.customer_email,
    customer_name: sub.customer_name,
    plan: sub.items?.data?.[0]?.price?.nickname,
    sent_at: sub.metadata?.bench_sent_at,
  });
}

const app = express();
app.disable('x-powered-by');
app.post('/webhooks/stripe', express.raw({ type: '*/*', limit: '1mb' }), function receive(req, res) {
  let event: Stripe.Event;
  try {
    event = stripe.webhooks.constructEvent(req.body as Buffer, req.headers['stripe-signature'] ?? '', secret);
  } catch (err) {
    res.status(400).json({ error: (err as Error).message });
    return;
  }
  let fresh: boolean;
  try {
    fresh = store(event.id, event.type, req.body as Buffer, payloadOf(event));
  } catch (err) {
    res.status(503).json({ error: (err as Error).message });
    return;
  }
  res.status(fresh ? 202 : 200).json({ status: fresh ? 'accepted' : 'duplicate', id: event.id });
});

const server = app.listen(0, '127.0.0.1', function ready() {
  process.stdout.write(`${JSON.stringify({ ready: (server.address() as AddressInfo).port })}\n`);
});
server.keepAliveTimeout = 65_000;
process.once('SIGTERM', function stop() {
  server.close(function closed() {
    db.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
  server.closeAllConnections();
});
