/**
 * A target with `sign: { type: standard-webhooks, secret }`: the service behind it checks, with
 * the standardwebhooks library, that each request came from its router, on the first attempt and
 * on a retry, whose signature is made at its own sending time with the same message id.
 */
import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RouterProcess, startRouter, type TempDir, tempDir } from '../support/router-process.ts';
import { type Sink, startSink } from '../support/sink.ts';

const SIGNING_SECRET = `whsec_${Buffer.from('router-to-service-secret-e2e').toString('base64')}`;
const INBOUND_SECRET = 'inbound-hmac-secret-e2e';

describe('targets sign what they send', () => {
  let dir: TempDir;
  let sink: Sink;
  let router: RouterProcess;

  beforeAll(async () => {
    dir = tempDir();
    sink = await startSink();
    // The first attempt is refused with a 503 so the retry's signature can be checked too.
    sink.on('/hook', (_req, n) => (n === 1 ? { status: 503, body: '{}' } : { status: 200, body: '{}' }));
    const config = dir.write(
      'routes.yaml',
      `version: 1
providers:
  in-house:
    verify: { type: hmac, header: X-Signature, secret: "\${INBOUND_SECRET}" }
targets:
  service:
    url: ${sink.url}/hook
    sign: { type: standard-webhooks, secret: "\${ROUTER_SIGNING_SECRET}" }
    retry: { maxAttempts: 3, initialDelay: 100ms, maxDelay: 200ms }
routes:
  - { name: all, from: in-house, to: service }
`,
    );
    router = await startRouter(['-c', config, '--store', `sqlite:${dir.dir}/hookgate.db`], {
      INBOUND_SECRET,
      ROUTER_SIGNING_SECRET: SIGNING_SECRET,
    });
  });

  afterAll(async () => {
    await router?.stop();
    await sink?.close();
    dir?.remove();
  });

  it('every attempt verifies with the standardwebhooks library; the retry keeps the message id', async () => {
    const body = '{"type":"invoice.paid","id":"inv_1"}';
    const signature = createHmac('sha256', INBOUND_SECRET).update(body).digest('hex');
    const accepted = await router.post('in-house', body, { 'content-type': 'application/json', 'x-signature': signature });
    expect(accepted.status).toBe(202);
    await sink.waitFor((requests) => requests.filter((r) => r.path === '/hook').length >= 2, 20_000);
    const [first, retry] = sink.received('/hook');
    const webhook = new Webhook(SIGNING_SECRET);
    for (const request of [first!, retry!]) {
      const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)]));
      expect(webhook.verify(request.body, headers)).toEqual(JSON.parse(body));
    }
    expect(retry!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    expect(first!.headers['webhook-id']).toBe(first!.headers['idempotency-key']);
    const other = new Webhook(`whsec_${Buffer.from('another-secret').toString('base64')}`);
    expect(() => other.verify(first!.body, Object.fromEntries(Object.entries(first!.headers).map(([k, v]) => [k, String(v)])))).toThrow();
    // The signing secret is never logged.
    expect(JSON.stringify(router.logs)).not.toContain(SIGNING_SECRET);
  });
});
