import { createHash, createHmac } from 'node:crypto';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { refusal, request, sample, tampered, withHeader } from '../../test/support/provider-test-kit.ts';
import { twilioVerifier } from './twilio.ts';

const URL = 'https://hooks.example.com/webhooks/twilio';
const SECRETS = ['twilio-auth-token-current-0000', 'twilio-auth-token-previous-1111'];
const options = { type: 'twilio', secrets: SECRETS, url: URL };
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('twilio verifier', () => {
  it("accepts Twilio's published example (auth token 12345, query string on the URL)", async () => {
    const params = { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' };
    const req = request({
      headers: { ...FORM, 'X-Twilio-Signature': '0/KCTR6DLpKmkAf8muzZqo1nDgQ=' },
      body: new URLSearchParams(params).toString(),
      url: '/webhooks/twilio?foo=1&bar=2',
    });
    const verifier = twilioVerifier.create({ type: 'twilio', secret: '12345', url: 'https://mycompany.com/myapp.php' });
    await expect(verifier.verify(req)).resolves.toBeUndefined();
    expect((await refusal(verifier, { ...req, url: '/webhooks/twilio?foo=1&bar=3', query: { foo: '1', bar: '3' } })).code).toBe(
      'SIGNATURE_INVALID',
    );
  });

  it("the SDK's validateRequest accepts what hookgate signs, and hookgate accepts the SDK's signature, with either token", async () => {
    const fields = JSON.parse((await sample('twilio', 'message.received')).toString()) as Record<string, string>;
    const signed = await twilioVerifier.signRequest!(options, {
      rawBody: Buffer.from(JSON.stringify(fields)),
      secret: SECRETS[0]!,
      deliveryId: 'idem-1',
    });
    expect(signed.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(signed.rawBody.toString()))).toEqual(fields);
    expect(twilio.validateRequest(SECRETS[0]!, signed.headers['x-twilio-signature']!, URL, fields)).toBe(true);
    const verifier = twilioVerifier.create(options);
    for (const secret of SECRETS) {
      const sdkSignature = twilio.getExpectedTwilioSignature(secret, URL, fields);
      await expect(
        verifier.verify(request({ headers: { ...FORM, 'x-twilio-signature': sdkSignature }, body: signed.rawBody })),
      ).resolves.toBeUndefined();
    }
  });

  it('signs repeated form fields the way the SDK does (each distinct value, sorted)', async () => {
    const body = 'To=%2B1555&MediaUrl=b&MediaUrl=a&MediaUrl=b';
    const sdkSignature = twilio.getExpectedTwilioSignature(SECRETS[0]!, URL, { To: '+1555', MediaUrl: ['b', 'a', 'b'] });
    const headers = await twilioVerifier.sign(options, { rawBody: Buffer.from(body), secret: SECRETS[0]! });
    expect(headers['x-twilio-signature']).toBe(sdkSignature);
    await expect(
      twilioVerifier.create(options).verify(request({ headers: { ...FORM, 'x-twilio-signature': sdkSignature }, body })),
    ).resolves.toBeUndefined();
  });

  it('JSON bodies: bodySHA256 in the query, checked by the SDK both ways; an altered body is refused', async () => {
    const body = Buffer.from('{"type":"com.twilio.messaging.message.delivered","data":{"messageSid":"SM1"}}');
    const signed = await twilioVerifier.signRequest!(options, { rawBody: body, secret: SECRETS[0]! });
    const hash = createHash('sha256').update(body).digest('hex');
    expect(signed.query).toEqual({ bodySHA256: hash });
    const fullUrl = `${URL}?bodySHA256=${hash}`;
    expect(twilio.validateRequestWithBody(SECRETS[0]!, signed.headers['x-twilio-signature']!, fullUrl, body.toString())).toBe(true);
    const req = request({
      headers: { 'content-type': 'application/json', 'x-twilio-signature': signed.headers['x-twilio-signature']! },
      body,
      url: `/webhooks/twilio?bodySHA256=${hash}`,
    });
    const verifier = twilioVerifier.create(options);
    await expect(verifier.verify(req)).resolves.toBeUndefined();
    expect(verifier.normalize(req, JSON.parse(body.toString())).eventType).toBe('com.twilio.messaging.message.delivered');
    expect((await refusal(verifier, tampered(req))).code).toBe('SIGNATURE_INVALID');
  });

  it('accepts a signature over the URL with the default port written out', async () => {
    const body = 'MessageSid=SM1&MessageStatus=sent';
    const signature = createHmac('sha1', SECRETS[0]!)
      .update('https://hooks.example.com:443/webhooks/twilioMessageSidSM1MessageStatussent')
      .digest('base64');
    await expect(
      twilioVerifier.create(options).verify(request({ headers: { ...FORM, 'x-twilio-signature': signature }, body })),
    ).resolves.toBeUndefined();
  });

  it('normalizes messages and calls; the idempotency token is the dedup key when present', async () => {
    const verifier = twilioVerifier.create(options);
    const delivered = JSON.parse((await sample('twilio', 'message.delivered')).toString());
    expect(verifier.normalize(request({ headers: {}, body: '' }), delivered)).toEqual({
      eventType: 'message.delivered',
      dedupKey: 'SM2a3b4c5d6e7f8091a2b3c4d5e6f70819:delivered',
    });
    const call = { CallSid: 'CA9', CallStatus: 'ringing' };
    expect(verifier.normalize(request({ headers: { 'I-Twilio-Idempotency-Token': 'tok-1' }, body: '' }), call)).toEqual({
      eventType: 'call.ringing',
      dedupKey: 'tok-1',
    });
  });

  it('refuses forged, altered, other-URL, malformed and unsigned requests', async () => {
    const body = (await twilioVerifier.signRequest!(options, { rawBody: await sample('twilio', 'message.received'), secret: SECRETS[0]! }))
      .rawBody;
    const fields = Object.fromEntries(new URLSearchParams(body.toString()));
    const verifier = twilioVerifier.create(options);
    const good = request({ headers: { ...FORM, 'x-twilio-signature': twilio.getExpectedTwilioSignature(SECRETS[0]!, URL, fields) }, body });
    const h = 'x-twilio-signature';
    expect((await refusal(verifier, withHeader(good, h, twilio.getExpectedTwilioSignature('forged', URL, fields)))).code).toBe(
      'SIGNATURE_INVALID',
    );
    expect((await refusal(verifier, withHeader(good, h, twilio.getExpectedTwilioSignature(SECRETS[0]!, `${URL}/x`, fields)))).code).toBe(
      'SIGNATURE_INVALID',
    );
    expect((await refusal(verifier, tampered(good))).code).toBe('SIGNATURE_INVALID');
    expect((await refusal(verifier, withHeader(good, h, 'abc'))).code).toBe('SIGNATURE_MALFORMED');
    expect((await refusal(verifier, withHeader(good, h, undefined))).code).toBe('SIGNATURE_MISSING');
  });
});
