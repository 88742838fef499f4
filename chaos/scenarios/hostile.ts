/**
 * Hostile and malformed requests, generated with fast-check: random methods, paths, headers,
 * content types and encodings, random bytes, deep nesting, oversized bodies, forged and validly
 * signed garbage, and slow bodies that never finish. The router must answer each with a 4xx (or
 * a 2xx for a validly signed body), never a 5xx, forward nothing it did not verify, and keep
 * serving real events throughout.
 */
import { connect } from 'node:net';
import fc from 'fast-check';
import Stripe from 'stripe';
import { startRouter } from '../../test/support/router-process.ts';
import { startSink } from '../../test/support/sink.ts';
import { ENV, emptyFigures, type Figures, routesYaml, SECRET, signedEvent, workDir } from '../lib.ts';

interface Hostile {
  readonly method: string;
  readonly path: string;
  readonly contentType: string | null;
  readonly contentEncoding: string | null;
  readonly signature: 'none' | 'garbage' | 'forged' | 'valid' | 'future' | 'stale';
  readonly garbage: string;
  readonly body: Uint8Array;
  readonly extra: Record<string, string>;
}

function nested(depth: number, open: string, close: string): Uint8Array {
  return Buffer.from(open.repeat(depth) + close.repeat(depth));
}

const bodies = fc.oneof(
  fc.uint8Array({ maxLength: 2048 }),
  fc.json().map((j) => Buffer.from(j)),
  fc.string({ unit: 'binary', maxLength: 512 }).map((s) => Buffer.from(s)),
  fc.integer({ min: 100, max: 60_000 }).map((d) => nested(d, '[', ']')),
  fc.integer({ min: 100, max: 20_000 }).map((d) => nested(d, '{"a":', '}')),
  fc.constantFrom(0, 1_100_000, 2_000_000).map((n) => Buffer.alloc(n, 0x61)),
);

const hostile: fc.Arbitrary<Hostile> = fc.record({
  method: fc.constantFrom('POST', 'POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'PATCH'),
  path: fc.constantFrom(
    '/webhooks/stripe',
    '/webhooks/stripe',
    '/webhooks/stripe',
    '/webhooks/nope',
    '/webhooks/',
    '/webhooks/stripe/x',
    '/webhooks/%2e%2e',
    '/webhooks/stripe?x=1&x=2',
  ),
  contentType: fc.option(
    fc.constantFrom(
      'application/json',
      'application/x-www-form-urlencoded',
      'text/plain',
      'application/json; charset=latin1',
      'multipart/form-data; boundary=x',
      '',
    ),
  ),
  contentEncoding: fc.option(fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-unknown')),
  signature: fc.constantFrom('none', 'garbage', 'forged', 'valid', 'future', 'stale'),
  garbage: fc.string({ maxLength: 200 }),
  body: bodies,
  extra: fc.dictionary(
    fc.stringMatching(/^x-[a-z0-9-]{1,20}$/),
    fc.string({ maxLength: 100 }).filter((v) => /^[\t\x20-\x7e]*$/.test(v)),
    { maxKeys: 5 },
  ),
});

function signatureFor(h: Hostile): string | undefined {
  const payload = Buffer.from(h.body).toString('utf8');
  const now = Math.floor(Date.now() / 1000);
  switch (h.signature) {
    case 'none':
      return undefined;
    case 'garbage':
      return h.garbage;
    case 'forged':
      return Stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_not_the_secret' });
    case 'valid':
      return Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET });
    case 'future':
      return Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp: now + 86_400 });
    case 'stale':
      return Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp: now - 86_400 });
  }
}

/** Opens sockets that send a request's headers and a trickle of body, then stall until closed. */
function slowBodies(port: number, count: number): { close(): void } {
  const sockets = Array.from({ length: count }, () => {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    socket.write(
      `POST /webhooks/stripe HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"a":`,
    );
    const timer = setInterval(() => socket.write('1'), 100);
    socket.on('close', () => clearInterval(timer));
    return { socket, timer };
  });
  return {
    close() {
      for (const { socket, timer } of sockets) {
        clearInterval(timer);
        socket.destroy();
      }
    },
  };
}

export async function hostileRequests(options: { readonly runs: number; readonly slowSockets: number }): Promise<Figures> {
  const figures = emptyFigures();
  const sink = await startSink();
  const dir = workDir('hostile');
  const config = dir.write('routes.yaml', routesYaml(sink, 'sqlite:./chaos.db'));
  const router = await startRouter(['-c', config], ENV);
  const statuses = new Map<number, number>();
  let unsendable = 0;
  const slow = slowBodies(router.port, options.slowSockets);
  try {
    await fc.assert(
      fc.asyncProperty(hostile, async (h) => {
        const headers: Record<string, string> = { ...h.extra };
        if (h.contentType !== null) headers['content-type'] = h.contentType;
        if (h.contentEncoding !== null) headers['content-encoding'] = h.contentEncoding;
        const signature = signatureFor(h);
        if (signature !== undefined) headers['stripe-signature'] = signature;
        let status: number;
        try {
          const res = await fetch(`${router.url}${h.path}`, {
            method: h.method,
            headers,
            ...(h.method === 'GET' ? {} : { body: h.body }),
          });
          await res.arrayBuffer();
          status = res.status;
        } catch {
          // fetch refuses some header values before sending, or the router closed an oversized upload.
          unsendable++;
          return;
        }
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status >= 500) figures.serverErrors++;
      }),
      { numRuns: options.runs, endOnFailure: true },
    );
    // Still serving real events while the slow sockets hang on.
    const { payload, headers } = signedEvent('evt_hostile_real');
    const real = await router.post('stripe', payload, headers);
    figures.acknowledged = real.status === 202 ? 1 : 0;
    if (real.status !== 202) figures.notes.push(`a real event after the storm got ${real.status}`);
    const healthy = await fetch(`${router.url}/healthz`);
    if (healthy.status !== 200) figures.notes.push(`/healthz answered ${healthy.status}`);
    await sink
      .waitFor((requests) => requests.some((r) => r.body.includes('evt_hostile_real')), 15_000)
      .catch(() => {
        figures.lost = 1;
      });
    figures.unverifiedForwards = sink.requests.filter((r) => !r.body.includes('evt_hostile_real')).length;
    figures.notes.push(
      `${options.runs} generated requests: ${[...statuses.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([s, n]) => `${n}x${s}`)
        .join(' ')}; ${unsendable} not sendable or cut off; ${options.slowSockets} slow bodies held open`,
    );
    return figures;
  } finally {
    slow.close();
    await router.stop('SIGKILL');
    await sink.close();
    dir.remove();
  }
}
