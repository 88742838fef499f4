import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fixtureFor, toRequest } from '../../test/support/verifier-request.ts';
import { sha256Hex } from './hmac-core.ts';
import { shopifyVerifier } from './shopify.ts';

const fx = fixtureFor('shopify');
const ORDER = '{"id":820982911946154508,"email":"jon@example.com","total_price":"199.00"}';

describe('shopify verifier', () => {
  it('verifies a body signed with node:crypto (base64 HMAC-SHA256)', async () => {
    const signature = createHmac('sha256', fx.secrets[0]!).update(ORDER).digest('base64');
    const req = toRequest({ 'X-Shopify-Hmac-Sha256': signature, 'X-Shopify-Topic': 'orders/create' }, ORDER);
    await expect(shopifyVerifier.create(fx.options).verify(req)).resolves.toBeUndefined();
  });

  it('refuses the same digest hex-encoded as malformed', async () => {
    const signature = createHmac('sha256', fx.secrets[0]!).update(ORDER).digest('hex');
    const req = toRequest({ 'x-shopify-hmac-sha256': signature }, ORDER);
    await expect(shopifyVerifier.create(fx.options).verify(req)).rejects.toThrow('malformed signature header: X-Shopify-Hmac-Sha256');
  });

  it.each([
    [{ 'x-shopify-topic': 'orders/create', 'x-shopify-event-id': 'e-1', 'x-shopify-webhook-id': 'w-1' }, 'orders/create', 'e-1'],
    [{ 'x-shopify-topic': 'orders/paid', 'x-shopify-webhook-id': 'w-2' }, 'orders/paid', 'w-2'],
    [{}, '', sha256Hex(ORDER)],
  ])('normalizes %j', (headers, eventType, dedupKey) => {
    const n = shopifyVerifier.create(fx.options).normalize(toRequest(headers, ORDER), JSON.parse(ORDER));
    expect(n).toEqual({ eventType, dedupKey });
  });

  it('sign() sets the topic (whole event type) and the ids', async () => {
    const headers = await shopifyVerifier.sign(fx.options, {
      rawBody: Buffer.from(ORDER),
      secret: 'k',
      eventType: 'orders/create',
      deliveryId: 'e-7',
    });
    expect(headers['x-shopify-hmac-sha256']).toBe(createHmac('sha256', 'k').update(ORDER).digest('base64'));
    expect(headers['x-shopify-topic']).toBe('orders/create');
    expect(headers['x-shopify-event-id']).toBe('e-7');
    expect(headers['x-shopify-webhook-id']).toBe('e-7');
  });
});
