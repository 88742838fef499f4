import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MINUTE, refusal, request, sample } from '../../test/support/provider-test-kit.ts';
import { mailgunVerifier } from './mailgun.ts';

const SECRETS = ['mailgun-signing-key-current', 'mailgun-signing-key-previous'];
const options = { type: 'mailgun', secrets: SECRETS };
const TOKEN = 'a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0';

/** Mailgun's documented scheme: hex HMAC-SHA256 of timestamp + token, placed in the body. */
function mailgunSignature(secret: string, timestamp: string, token = TOKEN): string {
  return createHmac('sha256', secret)
    .update(timestamp + token)
    .digest('hex');
}

async function signedSample(secret: string, when = new Date()): Promise<Buffer> {
  const body = JSON.parse((await sample('mailgun', 'delivered')).toString());
  const timestamp = String(Math.floor(when.getTime() / 1000));
  body.signature = { timestamp, token: TOKEN, signature: mailgunSignature(secret, timestamp) };
  return Buffer.from(JSON.stringify(body));
}

describe('mailgun verifier', () => {
  it('accepts a JSON webhook signed with either key, and normalizes event and id', async () => {
    const verifier = mailgunVerifier.create(options);
    for (const secret of SECRETS) {
      const body = await signedSample(secret);
      await expect(verifier.verify(request({ headers: { 'content-type': 'application/json' }, body }))).resolves.toBeUndefined();
    }
    const body = await signedSample(SECRETS[0]!);
    expect(verifier.normalize(request({ headers: {}, body }), JSON.parse(body.toString()))).toEqual({
      eventType: 'delivered',
      dedupKey: 'CPgfbmQMTCKtHW6uIWtuVe',
    });
  });

  it('accepts a form-encoded post with top-level fields', async () => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const form = new URLSearchParams({
      event: 'opened',
      recipient: 'ada@example.com',
      timestamp,
      token: TOKEN,
      signature: mailgunSignature(SECRETS[1]!, timestamp),
    });
    const req = request({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
    await expect(mailgunVerifier.create(options).verify(req)).resolves.toBeUndefined();
  });

  it("hookgate's signRequest() writes a fresh signature the documented scheme agrees with, in JSON and form bodies", async () => {
    const verifier = mailgunVerifier.create(options);
    const signed = await mailgunVerifier.signRequest!(options, { rawBody: await sample('mailgun', 'delivered'), secret: SECRETS[0]! });
    const fields = JSON.parse(signed.rawBody.toString()).signature;
    expect(fields.signature).toBe(mailgunSignature(SECRETS[0]!, fields.timestamp, fields.token));
    await expect(verifier.verify(request({ headers: signed.headers, body: signed.rawBody }))).resolves.toBeUndefined();
    const form = await mailgunVerifier.signRequest!(options, {
      rawBody: Buffer.from('event=clicked&recipient=a%40b.c'),
      secret: SECRETS[1]!,
    });
    expect(form.headers['content-type']).toBe('application/x-www-form-urlencoded');
    await expect(verifier.verify(request({ headers: form.headers, body: form.rawBody }))).resolves.toBeUndefined();
  });

  it('refuses a forged signature, a replaced token, missing fields, stale and future-dated timestamps', async () => {
    const verifier = mailgunVerifier.create(options);
    const json = { 'content-type': 'application/json' };
    expect((await refusal(verifier, request({ headers: json, body: await signedSample('forged') }))).code).toBe('CREDENTIALS_INVALID');
    const replaced = (await signedSample(SECRETS[0]!)).toString().replace(TOKEN, 'b'.repeat(50));
    expect((await refusal(verifier, request({ headers: json, body: replaced }))).code).toBe('CREDENTIALS_INVALID');
    expect((await refusal(verifier, request({ headers: json, body: '{"event-data":{"event":"delivered"}}' }))).code).toBe(
      'SIGNATURE_MISSING',
    );
    const malformed = (await signedSample(SECRETS[0]!)).toString().replace(/"signature":"[0-9a-f]+"/, '"signature":"xyz"');
    expect((await refusal(verifier, request({ headers: json, body: malformed }))).code).toBe('SIGNATURE_MALFORMED');
    const now = Date.now();
    const stale = await signedSample(SECRETS[0]!, new Date(now - 6 * MINUTE));
    expect((await refusal(verifier, request({ headers: json, body: stale, receivedAt: new Date(now) }))).code).toBe(
      'TIMESTAMP_OUT_OF_TOLERANCE',
    );
    const future = await signedSample(SECRETS[0]!, new Date(now + 6 * MINUTE));
    expect((await refusal(verifier, request({ headers: json, body: future, receivedAt: new Date(now) }))).code).toBe(
      'TIMESTAMP_OUT_OF_TOLERANCE',
    );
  });
});
