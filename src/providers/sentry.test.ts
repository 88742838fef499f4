import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { providerFixture } from '../../test/support/provider-fixture.ts';
import { fixtureFor, toRequest } from '../../test/support/verifier-request.ts';
import { sha256Hex } from './hmac-core.ts';
import { sentryVerifier } from './sentry.ts';

const fx = fixtureFor('sentry');

describe('sentry verifier', () => {
  it('verifies a real payload signed with node:crypto (hex HMAC-SHA256 of the raw body)', async () => {
    const { raw } = providerFixture('sentry', 'issue.created.json');
    const signature = createHmac('sha256', fx.secrets[1]!).update(raw).digest('hex');
    const req = toRequest({ 'Sentry-Hook-Signature': signature, 'Sentry-Hook-Resource': 'issue' }, raw);
    await expect(sentryVerifier.create(fx.options).verify(req)).resolves.toBeUndefined();
  });

  it.each([
    ['issue.created.json', 'issue', 'issue.created'],
    ['error.created.json', 'error', 'error.created'],
    ['event_alert.triggered.json', 'event_alert', 'event_alert.triggered'],
    ['metric_alert.critical.json', 'metric_alert', 'metric_alert.critical'],
  ])('normalizes %s with resource %s to %s, dedup key = Request-ID', (file, resource, expected) => {
    const { raw, body } = providerFixture('sentry', file);
    const req = toRequest({ 'sentry-hook-resource': resource, 'request-id': 'req-9' }, raw);
    expect(sentryVerifier.create(fx.options).normalize(req, body)).toEqual({ eventType: expected, dedupKey: 'req-9' });
  });

  it('normalizes without the resource and Request-ID headers to ".action" and the body hash', () => {
    const raw = Buffer.from('{"action":"created"}');
    const n = sentryVerifier.create(fx.options).normalize(toRequest({}, raw), { action: 'created' });
    expect(n).toEqual({ eventType: '.created', dedupKey: sha256Hex(raw) });
  });

  it('sign() sets signature, resource (first segment), timestamp and request id', async () => {
    const rawBody = Buffer.from('{"action":"created"}');
    const headers = await sentryVerifier.sign(fx.options, {
      rawBody,
      secret: 'k',
      eventType: 'issue.created',
      deliveryId: 'req-1',
      timestamp: new Date('2030-01-01T00:00:00Z'),
    });
    expect(headers).toEqual({
      'sentry-hook-signature': createHmac('sha256', 'k').update(rawBody).digest('hex'),
      'sentry-hook-resource': 'issue',
      'sentry-hook-timestamp': '1893456000',
      'request-id': 'req-1',
    });
  });
});
