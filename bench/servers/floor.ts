/**
 * The floor: what any router built on this stack pays before it stores or forwards anything.
 * Bare node:http (no express), the Stripe SDK's constructEvent on the raw bytes, then the bench
 * route's JSONata filter and map (compiled once), and a 202. Nothing stored, logged or sent.
 * hookgate's durable ingest can only approach this figure; its distance from it is the price of
 * routing, storing (fsync'd) and logging.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import jsonata from 'jsonata';
import Stripe from 'stripe';
import { BENCH_FILTER, BENCH_MAP } from '../lib/bench-config.ts';

const secret = process.env.STRIPE_WEBHOOK_SECRET ?? '';
const stripe = new Stripe('sk_test_bench_unused');
const filter = jsonata(BENCH_FILTER);
const map = jsonata(BENCH_MAP);

function reply(res: import('node:http').ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

async function handle(raw: Buffer, signature: string, res: import('node:http').ServerResponse): Promise<void> {
  let event: Stripe.Event;
  try {
    event = stripe.webhooks.constructEvent(raw, signature, secret);
  } catch (err) {
    reply(res, 400, JSON.stringify({ error: (err as Error).message }));
    return;
  }
  if (event.type !== 'customer.subscription.created' || (await filter.evaluate(event)) !== true) {
    reply(res, 200, JSON.stringify({ status: 'ignored', id: event.id }));
    return;
  }
  const mapped: unknown = await map.evaluate(event, { event: event.type });
  const text = JSON.stringify({ text: JSON.stringify(mapped) });
  reply(res, 202, JSON.stringify({ status: 'accepted', id: event.id, bytes: text.length }));
}

const server = createServer(function floor(req, res) {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', function verifyAndMap() {
    const signature = req.headers['stripe-signature'];
    handle(Buffer.concat(chunks), typeof signature === 'string' ? signature : '', res).catch((err: unknown) => {
      reply(res, 500, JSON.stringify({ error: String(err) }));
    });
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', function ready() {
  process.stdout.write(`${JSON.stringify({ ready: (server.address() as AddressInfo).port })}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)).closeAllConnections());
