import { createHmac } from 'node:crypto';
import { WebhooksHelper } from 'square';
import { describe, expect, it } from 'vitest';
import { refusal, request, sample, tampered, withHeader } from '../../test/support/provider-test-kit.ts';
import { squareVerifier } from './square.ts';

const URL = 'https://hooks.example.com/webhooks/square';
const SECRETS = ['sq-signature-key-current-0123', 'sq-signature-key-previous-4567'];
const options = { type: 'square', secrets: SECRETS, url: URL };

/** Square's documented signer: base64 HMAC-SHA256 of notification URL + body. */
function squareSignature(body: Buffer, secret: string, url = URL): string {
  return createHmac('sha256', secret).update(url).update(body).digest('base64');
}

/** The test vector Square's official SDKs (Node, Java, Python, PHP, Ruby, Go) share for WebhooksHelper. */
const SDK_VECTOR = {
  body: '{"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification","event_id":"ac3ac95b-f97d-458c-a6e6-18981597e05f","created_at":"2022-07-13T20:30:59.037339943Z","data":{"type":"webhooks","id":"bc368e64-01aa-407e-b46e-3231809b1129"}}',
  signature: 'GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4=',
  key: 'Ibxx_5AKakO-3qeNVR61Dw',
  url: 'https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9',
};

describe('square verifier', () => {
  it("accepts the official SDKs' published vector, and refuses it for another URL or key", async () => {
    const req = request({ headers: { 'x-square-hmacsha256-signature': SDK_VECTOR.signature }, body: SDK_VECTOR.body });
    const verifier = squareVerifier.create({ type: 'square', secret: SDK_VECTOR.key, url: SDK_VECTOR.url });
    await expect(verifier.verify(req)).resolves.toBeUndefined();
    expect(verifier.normalize(req, JSON.parse(SDK_VECTOR.body))).toEqual({
      eventType: 'webhooks.test_notification',
      dedupKey: 'ac3ac95b-f97d-458c-a6e6-18981597e05f',
    });
    expect((await refusal(squareVerifier.create({ type: 'square', secret: SDK_VECTOR.key, url: `${SDK_VECTOR.url}/` }), req)).code).toBe(
      'SIGNATURE_INVALID',
    );
    expect((await refusal(squareVerifier.create({ type: 'square', secret: 'another-key', url: SDK_VECTOR.url }), req)).code).toBe(
      'SIGNATURE_INVALID',
    );
  });

  it("the official SDK's WebhooksHelper accepts what hookgate's sign() produces, and only for the right URL", async () => {
    const body = await sample('square', 'payment.updated');
    const headers = await squareVerifier.sign(options, { rawBody: body, secret: SECRETS[0]! });
    const check = (signatureKey: string, notificationUrl: string) =>
      WebhooksHelper.verifySignature({
        requestBody: body.toString('utf8'),
        signatureHeader: headers['x-square-hmacsha256-signature']!,
        signatureKey,
        notificationUrl,
      });
    expect(await check(SECRETS[0]!, URL)).toBe(true);
    expect(await check(SECRETS[0]!, `${URL}/other`)).toBe(false);
    expect(await check('wrong-key', URL)).toBe(false);
  });

  it('accepts a request signed with either key, and normalizes type and event id', async () => {
    const body = await sample('square', 'payment.updated');
    const verifier = squareVerifier.create(options);
    for (const secret of SECRETS) {
      await expect(
        verifier.verify(request({ headers: { 'x-square-hmacsha256-signature': squareSignature(body, secret) }, body })),
      ).resolves.toBeUndefined();
    }
    expect(verifier.normalize(request({ headers: {}, body }), JSON.parse(body.toString()))).toEqual({
      eventType: 'payment.updated',
      dedupKey: '6a8f5f28-54a1-4eb0-a98a-3111513fd4fc',
    });
  });

  it('refuses forged, altered, other-URL and malformed requests', async () => {
    const body = await sample('square', 'payment.updated');
    const verifier = squareVerifier.create(options);
    const h = 'x-square-hmacsha256-signature';
    const good = request({ headers: { [h]: squareSignature(body, SECRETS[0]!) }, body });
    expect((await refusal(verifier, withHeader(good, h, squareSignature(body, 'forged')))).code).toBe('SIGNATURE_INVALID');
    expect((await refusal(verifier, withHeader(good, h, squareSignature(body, SECRETS[0]!, 'https://evil.example/hook')))).code).toBe(
      'SIGNATURE_INVALID',
    );
    expect((await refusal(verifier, tampered(good))).code).toBe('SIGNATURE_INVALID');
    expect((await refusal(verifier, withHeader(good, h, 'abc'))).code).toBe('SIGNATURE_MALFORMED');
    expect((await refusal(verifier, withHeader(good, h, undefined))).code).toBe('SIGNATURE_MISSING');
  });

  it('needs the notification URL in its options', () => {
    expect(() => squareVerifier.create({ type: 'square', secret: 's' })).toThrow(/verify.url/);
  });
});
