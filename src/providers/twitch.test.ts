import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MINUTE, refusal, request, sample, tampered, withHeader } from '../../test/support/provider-test-kit.ts';
import { twitchVerifier } from './twitch.ts';

const SECRETS = ['twitch-eventsub-secret-current', 'twitch-eventsub-secret-previous'];
const options = { type: 'twitch', secrets: SECRETS };
const ID = 'e76c6bd4-55c9-4987-8304-da1588d8988b';

/** Twitch's documented signer: sha256= hex HMAC-SHA256 of message id + timestamp + body. */
function twitchHeaders(body: Buffer, secret: string, timestamp: string, type = 'notification'): Record<string, string> {
  return {
    'Twitch-Eventsub-Message-Id': ID,
    'Twitch-Eventsub-Message-Timestamp': timestamp,
    'Twitch-Eventsub-Message-Signature': `sha256=${createHmac('sha256', secret)
      .update(ID + timestamp)
      .update(body)
      .digest('hex')}`,
    'Twitch-Eventsub-Message-Type': type,
    'Twitch-Eventsub-Subscription-Type': 'channel.follow',
  };
}

/** Twitch sends nanosecond precision; the verifier must take it as is. */
const nanoNow = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString().replace('Z', '938281Z');

describe('twitch verifier', () => {
  it('accepts a notification signed with either secret and normalizes type and message id', async () => {
    const body = await sample('twitch', 'channel.follow');
    const verifier = twitchVerifier.create(options);
    for (const secret of SECRETS) {
      await expect(verifier.verify(request({ headers: twitchHeaders(body, secret, nanoNow()), body }))).resolves.toBeUndefined();
    }
    const req = request({ headers: twitchHeaders(body, SECRETS[0]!, nanoNow()), body });
    expect(verifier.normalize(req, JSON.parse(body.toString()))).toEqual({ eventType: 'channel.follow', dedupKey: ID });
    expect(verifier.handshake?.(req, JSON.parse(body.toString()))).toBeUndefined();
  });

  it('answers the verification challenge with the challenge as text/plain', async () => {
    const body = await sample('twitch', 'webhook_callback_verification');
    const req = request({ headers: twitchHeaders(body, SECRETS[0]!, nanoNow(), 'webhook_callback_verification'), body });
    const verifier = twitchVerifier.create(options);
    await verifier.verify(req);
    expect(verifier.handshake?.(req, JSON.parse(body.toString()))).toEqual({
      status: 200,
      contentType: 'text/plain',
      body: 'pogchamp-kappa-360noscope-vohiyo',
    });
  });

  it('routes a revocation as revocation.<subscription type>', async () => {
    const body = Buffer.from('{"subscription":{"id":"f1c2","status":"authorization_revoked","type":"channel.follow","version":"2"}}');
    const req = request({ headers: twitchHeaders(body, SECRETS[0]!, nanoNow(), 'revocation'), body });
    const verifier = twitchVerifier.create(options);
    await verifier.verify(req);
    expect(verifier.normalize(req, JSON.parse(body.toString())).eventType).toBe('revocation.channel.follow');
  });

  it("hookgate's sign() is the documented scheme and marks a challenge body as the verification request", async () => {
    const body = await sample('twitch', 'webhook_callback_verification');
    const at = new Date('2026-11-30T19:12:36.585Z');
    const headers = await twitchVerifier.sign(options, { rawBody: body, secret: SECRETS[0]!, timestamp: at, deliveryId: ID });
    expect(headers).toMatchObject({
      'twitch-eventsub-message-signature': twitchHeaders(body, SECRETS[0]!, at.toISOString())['Twitch-Eventsub-Message-Signature'],
      'twitch-eventsub-message-type': 'webhook_callback_verification',
      'twitch-eventsub-subscription-type': 'channel.follow',
    });
  });

  it('refuses forged, altered, malformed, stale (over 10 minutes) and future-dated messages', async () => {
    const body = await sample('twitch', 'channel.follow');
    const verifier = twitchVerifier.create(options);
    const good = request({ headers: twitchHeaders(body, SECRETS[0]!, nanoNow()), body });
    const sig = 'twitch-eventsub-message-signature';
    expect(
      (await refusal(verifier, withHeader(good, sig, twitchHeaders(body, 'forged', nanoNow())['Twitch-Eventsub-Message-Signature']))).code,
    ).toBe('SIGNATURE_INVALID');
    expect((await refusal(verifier, tampered(good))).code).toBe('SIGNATURE_INVALID');
    expect((await refusal(verifier, withHeader(good, 'twitch-eventsub-message-id', 'another-id'))).code).toBe('SIGNATURE_INVALID');
    expect((await refusal(verifier, withHeader(good, sig, 'sha1=00'))).code).toBe('SIGNATURE_MALFORMED');
    expect((await refusal(verifier, withHeader(good, sig, undefined))).code).toBe('SIGNATURE_MISSING');
    const stale = request({ headers: twitchHeaders(body, SECRETS[0]!, nanoNow(-11 * MINUTE)), body });
    expect((await refusal(verifier, stale)).code).toBe('TIMESTAMP_OUT_OF_TOLERANCE');
    const future = request({ headers: twitchHeaders(body, SECRETS[0]!, nanoNow(11 * MINUTE)), body });
    expect((await refusal(verifier, future)).code).toBe('TIMESTAMP_OUT_OF_TOLERANCE');
  });
});
