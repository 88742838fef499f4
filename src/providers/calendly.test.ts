import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MINUTE, refusal, request, sample, tampered, withHeader } from '../../test/support/provider-test-kit.ts';
import { calendlyVerifier } from './calendly.ts';

const SECRETS = ['calendly-signing-key-current', 'calendly-signing-key-previous'];
const options = { type: 'calendly', secrets: SECRETS };

/** Calendly's documented signer: v1 = hex HMAC-SHA256 of "t.body". */
function calendlyHeader(body: Buffer, secret: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex')}`;
}

describe('calendly verifier', () => {
  it('accepts a request signed as Calendly documents it, with either secret, and normalizes type and id', async () => {
    const body = await sample('calendly', 'invitee.created');
    const verifier = calendlyVerifier.create(options);
    for (const secret of SECRETS) {
      await expect(
        verifier.verify(request({ headers: { 'Calendly-Webhook-Signature': calendlyHeader(body, secret, new Date()) }, body })),
      ).resolves.toBeUndefined();
    }
    const req = request({ headers: {}, body });
    expect(verifier.normalize(req, JSON.parse(body.toString()))).toEqual({
      eventType: 'invitee.created',
      dedupKey: 'invitee.created:https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2/invitees/AAAAAAAAAAAAAAAA',
    });
  });

  it("hookgate's sign() is the documented scheme", async () => {
    const body = await sample('calendly', 'invitee.created');
    const at = new Date('2026-11-30T20:30:32Z');
    expect(await calendlyVerifier.sign(options, { rawBody: body, secret: SECRETS[0]!, timestamp: at })).toEqual({
      'calendly-webhook-signature': calendlyHeader(body, SECRETS[0]!, at),
    });
  });

  it('refuses forged, altered, malformed, stale and future-dated requests', async () => {
    const body = await sample('calendly', 'invitee.created');
    const verifier = calendlyVerifier.create(options);
    const now = new Date();
    const good = request({ headers: { 'calendly-webhook-signature': calendlyHeader(body, SECRETS[0]!, now) }, body, receivedAt: now });
    const h = 'calendly-webhook-signature';
    expect((await refusal(verifier, withHeader(good, h, calendlyHeader(body, 'forged', now)))).code).toBe('SIGNATURE_INVALID');
    expect((await refusal(verifier, tampered(good))).code).toBe('SIGNATURE_INVALID');
    expect((await refusal(verifier, withHeader(good, h, 'v1=00'))).code).toBe('SIGNATURE_MALFORMED');
    expect((await refusal(verifier, withHeader(good, h, undefined))).code).toBe('SIGNATURE_MISSING');
    const stale = withHeader(good, h, calendlyHeader(body, SECRETS[0]!, new Date(now.getTime() - 4 * MINUTE)));
    expect((await refusal(verifier, stale)).code).toBe('TIMESTAMP_OUT_OF_TOLERANCE');
    const future = withHeader(good, h, calendlyHeader(body, SECRETS[0]!, new Date(now.getTime() + 4 * MINUTE)));
    expect((await refusal(verifier, future)).code).toBe('TIMESTAMP_OUT_OF_TOLERANCE');
  });
});
