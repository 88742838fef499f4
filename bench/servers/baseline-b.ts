/**
 * Baseline B, the common hand-written proxy: express + express.raw, the Stripe SDK's
 * constructEvent, an event-type and status check, the same mapping as the bench route, and a
 * fetch() to the target before answering. No durability: a crash loses whatever is in flight.
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import Stripe from 'stripe';

const secret = process.env.STRIPE_WEBHOOK_SECRET ?? '';
const target = `${process.env.SINK_URL ?? ''}/routines/onboarding/fire`;
const token = process.env.ROUTINE_TOKEN ?? '';
const stripe = new Stripe('sk_test_bench_unused');

interface SubscriptionFields {
  status?: string;
  customer?: string;
  customer_email?: string;
  customer_name?: string;
  items?: { data?: Array<{ price?: { nickname?: string } }> };
  metadata?: { bench_sent_at?: number };
}

const app = express();
app.disable('x-powered-by');
app.post('/webhooks/stripe', express.raw({ type: '*/*', limit: '1mb' }), async function proxy(req, res) {
  let event: Stripe.Event;
  try {
    event = stripe.webhooks.constructEvent(req.body as Buffer, req.headers['stripe-signature'] ?? '', secret);
  } catch (err) {
    res.status(400).json({ error: (err as Error).message });
    return;
  }
  if (event.type !== 'customer.subscription.created') {
    res.status(200).json({ status: 'ignored', id: event.id });
    return;
  }
  const sub = event.data.object as unknown as SubscriptionFields;
  if (sub.status !== 'active' && sub.status !== 'trialing') {
    res.status(200).json({ status: 'ignored', id: event.id });
    return;
  }
  const mapped = {
    event: event.type,
    customer_id: sub.customer,
    customer_email: sub.customer_email,
    customer_name: sub.customer_name,
    plan: sub.items?.data?.[0]?.price?.nickname,
    sent_at: sub.metadata?.bench_sent_at,
  };
  try {
    const answer = await fetch(target, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        'anthropic-version': '2023-06-01',
        'anthropic-beta': 'experimental-cc-routine-2026-04-01',
        'idempotency-key': event.id,
      },
      body: JSON.stringify({ text: JSON.stringify(mapped) }),
    });
    await answer.arrayBuffer();
    if (!answer.ok) {
      res.status(502).json({ error: `target answered ${answer.status}` });
      return;
    }
  } catch (err) {
    res.status(502).json({ error: (err as Error).message });
    return;
  }
  res.status(202).json({ status: 'accepted', id: event.id });
});

const server = app.listen(0, '127.0.0.1', function ready() {
  process.stdout.write(`${JSON.stringify({ ready: (server.address() as AddressInfo).port })}\n`);
});
server.keepAliveTimeout = 65_000;
process.once('SIGTERM', () => server.close(() => process.exit(0)).closeAllConnections());
