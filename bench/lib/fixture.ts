/**
 * The benchmark's request: the ~1.8 KB Stripe customer.subscription.created fixture with a unique
 * event id and a fresh Stripe-Signature per request. Signing happens before a run, into a pool,
 * so the load generator spends its time sending, not hashing.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Stripe from 'stripe';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURE_PATH = path.join(REPO_ROOT, 'samples/stripe/customer.subscription.created.json');
/** Throwaway secret shared by the generator and the servers under test; never a real one. */
export const BENCH_STRIPE_SECRET = 'whsec_bench_throwaway_secret';
export const BENCH_ROUTINE_TOKEN = 'sk-ant-oat01-bench-throwaway';

const ID_MARK = '__BENCH_EVENT_ID__';
const SENT_MARK = '"__BENCH_SENT_AT__"';

/** The fixture split around its id and the send time the end-to-end run embeds (metadata.bench_sent_at). */
interface Template {
  readonly head: string;
  readonly middle: string;
  readonly tail: string;
}

function loadTemplate(): Template {
  const event = JSON.parse(readFileSync(FIXTURE_PATH, 'utf8')) as {
    id: string;
    data: { object: { metadata?: Record<string, unknown> } };
  };
  event.id = ID_MARK;
  event.data.object.metadata = { ...event.data.object.metadata, bench_sent_at: '__BENCH_SENT_AT__' };
  const text = JSON.stringify(event, null, 2);
  const [head, rest] = text.split(`"${ID_MARK}"`) as [string, string];
  const [middle, tail] = rest.split(SENT_MARK) as [string, string];
  return { head, middle, tail };
}

const template = loadTemplate();

/** The body for one event; `sentAt` 0 means "not timed" (throughput runs). */
export function eventBody(id: string, sentAt: number): string {
  return `${template.head}"${id}"${template.middle}${sentAt}${template.tail}`;
}

export function stripeSignature(body: string, timestampSeconds: number): string {
  return Stripe.webhooks.generateTestHeaderString({ payload: body, secret: BENCH_STRIPE_SECRET, timestamp: timestampSeconds });
}

/**
 * A fresh, never-repeated Stripe-like event id: random, as Stripe's are, so the store's dedup
 * index is written at random places as in production (a counter would append to one page).
 */
export function freshEventId(): string {
  return `evt_1${randomBytes(12).toString('hex')}`;
}

export interface SignedRequest {
  readonly id: string;
  readonly signature: string;
}

/**
 * Pre-signed requests handed out in order. Only the id and signature are kept per entry (the body
 * is rebuilt from the template when sent), so a pool of 100k costs a few tens of MB, not 180.
 * When a run outpaces the pool, it signs on the fly and counts it, so the report can say so.
 */
export class SignedPool {
  readonly #entries: Array<SignedRequest | undefined> = [];
  #next = 0;
  signedDuringRun = 0;

  constructor(size: number) {
    this.fill(size);
  }

  fill(size: number): void {
    const now = Math.floor(Date.now() / 1000);
    for (let i = 0; i < size; i++) {
      const id = freshEventId();
      this.#entries.push({ id, signature: stripeSignature(eventBody(id, 0), now) });
    }
  }

  get remaining(): number {
    return this.#entries.length - this.#next;
  }

  take(): SignedRequest {
    const entry = this.#entries[this.#next];
    if (entry) {
      // Drop the reference: a long soak must not keep every request it ever sent.
      this.#entries[this.#next] = undefined;
      this.#next++;
      return entry;
    }
    this.signedDuringRun++;
    const id = freshEventId();
    return { id, signature: stripeSignature(eventBody(id, 0), Math.floor(Date.now() / 1000)) };
  }
}
