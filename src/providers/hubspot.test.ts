import { Signature } from '@hubspot/api-client';
import { describe, expect, it } from 'vitest';
import { MINUTE, refusal, request, sample, tampered, withHeader } from '../../test/support/provider-test-kit.ts';
import { hubspotUri, hubspotVerifier } from './hubspot.ts';

const URL = 'https://hooks.example.com/webhooks/hubspot';
const SECRETS = ['hubspot-client-secret-current', 'hubspot-client-secret-previous'];
const options = { type: 'hubspot', secrets: SECRETS, url: URL };

/** HubSpot's official client computes the v3 signature. */
function sdkHeaders(body: Buffer, secret: string, timestamp: number, url = URL): Record<string, string> {
  const signature = Signature.getSignature('POST', 'v3', {
    signature: '',
    url,
    requestBody: body.toString('utf8'),
    timestamp,
    clientSecret: secret,
  });
  return { 'X-HubSpot-Signature-v3': signature, 'X-HubSpot-Request-Timestamp': String(timestamp) };
}

describe('hubspot verifier', () => {
  it('accepts what the official client signs, with either secret, and normalizes a one-event batch', async () => {
    const body = await sample('hubspot', 'contact.creation');
    const verifier = hubspotVerifier.create(options);
    for (const secret of SECRETS) {
      await expect(verifier.verify(request({ headers: sdkHeaders(body, secret, Date.now()), body }))).resolves.toBeUndefined();
    }
    expect(verifier.normalize(request({ headers: {}, body }), JSON.parse(body.toString()))).toEqual({
      eventType: 'contact.creation',
      dedupKey: '1863722411',
    });
  });

  it("the official client's isValid accepts what hookgate's sign() produces", async () => {
    const body = await sample('hubspot', 'contact.creation');
    const headers = await hubspotVerifier.sign(options, { rawBody: body, secret: SECRETS[0]! });
    const valid = Signature.isValid({
      signatureVersion: 'v3',
      signature: headers['x-hubspot-signature-v3']!,
      method: 'POST',
      url: URL,
      requestBody: body.toString('utf8'),
      timestamp: Number(headers['x-hubspot-request-timestamp']),
      clientSecret: SECRETS[0]!,
    });
    expect(valid).toBe(true);
  });

  it('signs the query as received and decodes the escapes HubSpot decodes', async () => {
    expect(hubspotUri('https://x.example/h?redirect=https%3A%2F%2Fa.example%2Fp%3Fq%3D1&name=a%20b%2C%28c%29')).toBe(
      'https://x.example/h?redirect=https://a.example/p?q%3D1&name=a%20b,(c)',
    );
    const body = Buffer.from('[]');
    const now = Date.now();
    const signedUrl = `${URL}?portal=62515&state=a:b`;
    const req = request({
      headers: sdkHeaders(body, SECRETS[0]!, now, signedUrl),
      body,
      url: '/webhooks/hubspot?portal=62515&state=a%3Ab',
    });
    await expect(hubspotVerifier.create(options).verify(req)).resolves.toBeUndefined();
  });

  it('a batch of mixed types is `batch`, keyed by the body hash', async () => {
    const body = '[{"eventId":1,"subscriptionType":"contact.creation"},{"eventId":2,"subscriptionType":"deal.creation"}]';
    const normalized = hubspotVerifier.create(options).normalize(request({ headers: {}, body }), JSON.parse(body));
    expect(normalized.eventType).toBe('batch');
    expect(normalized.dedupKey).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses forged, altered, other-method, stale and future-dated requests', async () => {
    const body = await sample('hubspot', 'contact.creation');
    const verifier = hubspotVerifier.create(options);
    const now = Date.now();
    const good = request({ headers: sdkHeaders(body, SECRETS[0]!, now), body, receivedAt: new Date(now) });
    const h = 'x-hubspot-signature-v3';
    expect((await refusal(verifier, withHeader(good, h, sdkHeaders(body, 'forged', now)['X-HubSpot-Signature-v3']))).code).toBe(
      'SIGNATURE_INVALID',
    );
    expect((await refusal(verifier, tampered(good))).code).toBe('SIGNATURE_INVALID');
    expect((await refusal(verifier, { ...good, method: 'PUT' })).code).toBe('SIGNATURE_INVALID');
    expect((await refusal(verifier, withHeader(good, 'x-hubspot-request-timestamp', undefined))).code).toBe('TIMESTAMP_MISSING');
    expect((await refusal(verifier, withHeader(good, h, undefined))).code).toBe('SIGNATURE_MISSING');
    const stale = request({ headers: sdkHeaders(body, SECRETS[0]!, now - 6 * MINUTE), body, receivedAt: new Date(now) });
    expect((await refusal(verifier, stale)).code).toBe('TIMESTAMP_OUT_OF_TOLERANCE');
    const future = request({ headers: sdkHeaders(body, SECRETS[0]!, now + 6 * MINUTE), body, receivedAt: new Date(now) });
    expect((await refusal(verifier, future)).code).toBe('TIMESTAMP_OUT_OF_TOLERANCE');
  });
});
