import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MINUTE, refusal, request, sample, tampered, withHeader } from '../../test/support/provider-test-kit.ts';
import { zendeskVerifier } from './zendesk.ts';

const SECRETS = ['zendesk-signing-secret-current', 'zendesk-signing-secret-previous'];
const options = { type: 'zendesk', secrets: SECRETS };

/** Zendesk's documented signer: base64 HMAC-SHA256 of TIMESTAMP + BODY. */
function zendeskHeaders(body: Buffer, secret: string, timestamp: string): Record<string, string> {
  return {
    'X-Zendesk-Webhook-Signature': createHmac('sha256', secret).update(timestamp).update(body).digest('base64'),
    'X-Zendesk-Webhook-Signature-Timestamp': timestamp,
  };
}

const isoNow = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString();

describe('zendesk verifier', () => {
  it('accepts a request signed timestamp-then-body with either secret, and normalizes type and id', async () => {
    const body = await sample('zendesk', 'ticket.created');
    const verifier = zendeskVerifier.create(options);
    for (const secret of SECRETS) {
      await expect(verifier.verify(request({ headers: zendeskHeaders(body, secret, isoNow()), body }))).resolves.toBeUndefined();
    }
    expect(verifier.normalize(request({ headers: {}, body }), JSON.parse(body.toString()))).toEqual({
      eventType: 'ticket.created',
      dedupKey: 'cbe4028c-7239-495d-b020-f22348516046',
    });
  });

  it("accepts Zendesk's test-button secret like any other, and a trigger body falls back to the invocation id", async () => {
    const testSecret = 'dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==';
    const body = Buffer.from('{"ticket_id":"42","status":"open"}');
    const req = request({ headers: { ...zendeskHeaders(body, testSecret, isoNow()), 'x-zendesk-webhook-invocation-id': '8350205' }, body });
    const verifier = zendeskVerifier.create({ type: 'zendesk', secret: testSecret });
    await expect(verifier.verify(req)).resolves.toBeUndefined();
    expect(verifier.normalize(req, JSON.parse(body.toString()))).toEqual({ eventType: '', dedupKey: '8350205' });
  });

  it('refuses the body-then-timestamp order of the older example page', async () => {
    const body = Buffer.from('{"say": "hello"}');
    const timestamp = isoNow();
    const reversed = createHmac('sha256', SECRETS[0]!).update(body).update(timestamp).digest('base64');
    const req = request({ headers: { 'x-zendesk-webhook-signature': reversed, 'x-zendesk-webhook-signature-timestamp': timestamp }, body });
    expect((await refusal(zendeskVerifier.create(options), req)).code).toBe('SIGNATURE_INVALID');
  });

  it("hookgate's sign() is the documented scheme", async () => {
    const body = await sample('zendesk', 'ticket.created');
    const at = new Date('2026-11-30T18:18:04Z');
    const headers = await zendeskVerifier.sign(options, { rawBody: body, secret: SECRETS[0]!, timestamp: at });
    const expected = zendeskHeaders(body, SECRETS[0]!, '2026-11-30T18:18:04Z');
    expect(headers['x-zendesk-webhook-signature']).toBe(expected['X-Zendesk-Webhook-Signature']);
    expect(headers['x-zendesk-webhook-signature-timestamp']).toBe('2026-11-30T18:18:04Z');
  });

  it('refuses forged, altered, malformed, stale and future-dated requests', async () => {
    const body = await sample('zendesk', 'ticket.created');
    const verifier = zendeskVerifier.create(options);
    const good = request({ headers: zendeskHeaders(body, SECRETS[0]!, isoNow()), body });
    const sig = 'x-zendesk-webhook-signature';
    const forged = zendeskHeaders(body, 'forged', isoNow())['X-Zendesk-Webhook-Signature']!;
    expect((await refusal(verifier, withHeader(good, sig, forged))).code).toBe('SIGNATURE_INVALID');
    expect((await refusal(verifier, tampered(good))).code).toBe('SIGNATURE_INVALID');
    expect((await refusal(verifier, withHeader(good, sig, 'not base64!'))).code).toBe('SIGNATURE_MALFORMED');
    expect((await refusal(verifier, withHeader(good, sig, undefined))).code).toBe('SIGNATURE_MISSING');
    expect((await refusal(verifier, withHeader(good, 'x-zendesk-webhook-signature-timestamp', undefined))).code).toBe('TIMESTAMP_MISSING');
    expect((await refusal(verifier, withHeader(good, 'x-zendesk-webhook-signature-timestamp', '1690000000'))).code).toBe(
      'SIGNATURE_MALFORMED',
    );
    const stale = request({ headers: zendeskHeaders(body, SECRETS[0]!, isoNow(-6 * MINUTE)), body });
    expect((await refusal(verifier, stale)).code).toBe('TIMESTAMP_OUT_OF_TOLERANCE');
    const future = request({ headers: zendeskHeaders(body, SECRETS[0]!, isoNow(6 * MINUTE)), body });
    expect((await refusal(verifier, future)).code).toBe('TIMESTAMP_OUT_OF_TOLERANCE');
  });
});
