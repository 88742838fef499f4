import { createHmac } from 'node:crypto';
import { Signature } from '@hubspot/api-client';
import { Paddle } from '@paddle/paddle-node-sdk';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { refusal, request, tampered, withHeader } from '../../test/support/provider-test-kit.ts';
import { toRequest } from '../../test/support/verifier-request.ts';
import { SetupError } from '../errors.ts';
import { hmacVerifier } from './hmac.ts';
import { sha256Hex } from './hmac-core.ts';
import type { VerifyOptionsBase } from './types.ts';

const BODY = '{"type":"invoice.paid","amount":4200}';
const SECRET = 'HMAC-variant-secret-8c8c';

describe('hmac verifier', () => {
  it.each([
    { algorithm: 'sha1', encoding: 'hex', prefix: '' },
    { algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' },
    { algorithm: 'sha256', encoding: 'base64', prefix: '' },
    { algorithm: 'sha512', encoding: 'base64', prefix: 'v1=' },
    { algorithm: 'sha512', encoding: 'hex', prefix: 'sha512=' },
  ] as const)('verifies $algorithm/$encoding with prefix "$prefix" signed by node:crypto', async (v) => {
    const options: VerifyOptionsBase = { type: 'hmac', header: 'X-Billing-Signature', secret: SECRET, ...v };
    const signature = v.prefix + createHmac(v.algorithm, SECRET).update(BODY).digest(v.encoding);
    const verifier = hmacVerifier.create(options);
    await expect(verifier.verify(toRequest({ 'x-billing-signature': signature }, BODY))).resolves.toBeUndefined();
    const other = v.prefix + createHmac(v.algorithm, 'another').update(BODY).digest(v.encoding);
    await expect(verifier.verify(toRequest({ 'x-billing-signature': other }, BODY))).rejects.toThrow(
      'signature does not match: X-Billing-Signature',
    );
    expect(await hmacVerifier.sign(options, { rawBody: Buffer.from(BODY), secret: SECRET })).toEqual({ 'x-billing-signature': signature });
  });

  it('defaults to sha256, hex, no prefix', async () => {
    const verifier = hmacVerifier.create({ type: 'hmac', header: 'x-sig', secret: SECRET });
    const signature = createHmac('sha256', SECRET).update(BODY).digest('hex');
    await expect(verifier.verify(toRequest({ 'x-sig': signature.toUpperCase() }, BODY))).resolves.toBeUndefined();
  });

  it.each([
    ['missing prefix', 'abc'],
    ['right prefix, wrong length', 'sha256=abcdef'],
    ['right prefix, not hex', `sha256=${'z'.repeat(64)}`],
  ])('refuses a malformed signature (%s) naming the header', async (_name, value) => {
    const verifier = hmacVerifier.create({ type: 'hmac', header: 'X-Signature', prefix: 'sha256=', secret: SECRET });
    await expect(verifier.verify(toRequest({ 'x-signature': value }, BODY))).rejects.toMatchObject({
      code: 'SIGNATURE_MALFORMED',
      message: 'malformed signature header: X-Signature',
    });
  });

  it.each([
    [{ type: 'hmac', secret: 's' }, /verify\.header/],
    [{ type: 'hmac', header: 'x', secret: 's', algorithm: 'md5' }, /verify\.algorithm/],
    [{ type: 'hmac', header: 'x', secret: 's', encoding: 'base32' }, /verify\.encoding/],
    [{ type: 'hmac', header: 'x' }, /non-empty secret/],
  ])('create() refuses %j with a SetupError', (options, message) => {
    expect(() => hmacVerifier.create(options)).toThrow(SetupError);
    expect(() => hmacVerifier.create(options)).toThrow(message);
  });

  it('lists the configured header, lower-cased, as secret', () => {
    expect(hmacVerifier.secretHeaders({ type: 'hmac', header: 'X-Signature', secret: 's' })).toEqual(['x-signature']);
  });

  it('normalizes to body type and the raw-body hash', () => {
    const n = hmacVerifier.create({ type: 'hmac', header: 'x', secret: 's' }).normalize(toRequest({}, BODY), JSON.parse(BODY));
    expect(n).toEqual({ eventType: 'invoice.paid', dedupKey: sha256Hex(BODY) });
    expect(hmacVerifier.create({ type: 'hmac', header: 'x', secret: 's' }).normalize(toRequest({}, '[]'), [])).toEqual({
      eventType: '',
      dedupKey: sha256Hex('[]'),
    });
  });
});

describe('hmac verifier: templates, timestamps and signature lists describe other providers', () => {
  const stripeLike = {
    type: 'hmac',
    header: 'Stripe-Signature',
    list: { separator: ',', signatureKey: 'v1', timestampKey: 't' },
    signedContent: '{timestamp}.{body}',
    secrets: ['whsec_generic-current', 'whsec_generic-previous'],
  };
  const body = Buffer.from('{"id":"evt_1","type":"invoice.paid"}');

  it("reproduces Stripe's scheme: the stripe SDK signs, the generic type verifies (either secret)", async () => {
    const verifier = hmacVerifier.create(stripeLike);
    for (const secret of stripeLike.secrets) {
      const value = Stripe.webhooks.generateTestHeaderString({
        payload: body.toString(),
        secret,
        timestamp: Math.floor(Date.now() / 1000),
      });
      await expect(verifier.verify(request({ headers: { 'stripe-signature': value }, body }))).resolves.toBeUndefined();
    }
  });

  it('a list with several signatures passes when any one matches, and sign() writes t=..,v1=..', async () => {
    const headers = await hmacVerifier.sign(stripeLike, { rawBody: body, secret: stripeLike.secrets[1]! });
    expect(headers['stripe-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const doubled = `${headers['stripe-signature']!.replace('v1=', `v1=00${'0'.repeat(62)},v1=`)}`;
    await expect(
      hmacVerifier.create(stripeLike).verify(request({ headers: { 'stripe-signature': doubled }, body })),
    ).resolves.toBeUndefined();
  });

  it("reproduces Paddle's ts=..;h1=.. over ts:body: the Paddle SDK accepts what the generic type signs", async () => {
    const paddleLike = {
      type: 'hmac',
      header: 'Paddle-Signature',
      list: { separator: ';', signatureKey: 'h1', timestampKey: 'ts' },
      signedContent: '{timestamp}:{body}',
      secret: 'pdl_ntfset_generic',
    };
    const headers = await hmacVerifier.sign(paddleLike, { rawBody: body, secret: paddleLike.secret });
    const paddle = new Paddle('pdl_sdbx_apikey_01placeholder_notused');
    expect(await paddle.webhooks.isSignatureValid(body.toString(), paddleLike.secret, headers['paddle-signature']!)).toBe(true);
  });

  it('reproduces HubSpot v3 (method + URL + body + ms timestamp, base64): the HubSpot client agrees', async () => {
    const hubspotLike = {
      type: 'hmac',
      header: 'X-HubSpot-Signature-v3',
      encoding: 'base64',
      signedContent: '{method}{url}{body}{timestamp}',
      timestampHeader: 'X-HubSpot-Request-Timestamp',
      timestampFormat: 'unix-ms',
      url: 'https://hooks.example.com/webhooks/hs',
      secret: 'hubspot-generic',
    };
    const timestamp = Date.now();
    const signature = Signature.getSignature('POST', 'v3', {
      signature: '',
      url: hubspotLike.url,
      requestBody: body.toString(),
      timestamp,
      clientSecret: hubspotLike.secret,
    });
    const req = request({ headers: { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': String(timestamp) }, body });
    await expect(hmacVerifier.create(hubspotLike).verify(req)).resolves.toBeUndefined();
  });

  it('signs named headers too (Twitch: message id + RFC 3339 time + body), and base64url signatures', async () => {
    const twitchLike = {
      type: 'hmac',
      header: 'X-Sig',
      encoding: 'base64url',
      signedContent: '{header.x-message-id}{timestamp}{body}',
      timestampHeader: 'X-Time',
      timestampFormat: 'iso8601',
      secret: 'generic-twitch',
    };
    const at = new Date();
    const headers = await hmacVerifier.sign(twitchLike, { rawBody: body, secret: twitchLike.secret, timestamp: at, deliveryId: 'msg-9' });
    const expected = createHmac('sha256', 'generic-twitch').update(`msg-9${at.toISOString()}`).update(body).digest('base64url');
    expect(headers).toEqual({ 'x-message-id': 'msg-9', 'x-sig': expected, 'x-time': at.toISOString() });
    await expect(hmacVerifier.create(twitchLike).verify(request({ headers, body }))).resolves.toBeUndefined();
    const otherId = request({ headers: { ...headers, 'x-message-id': 'msg-10' }, body });
    expect((await refusal(hmacVerifier.create(twitchLike), otherId)).code).toBe('SIGNATURE_INVALID');
  });

  it('refuses stale and future-dated times beyond the tolerance, a missing time, and an altered body', async () => {
    const slackLike = {
      type: 'hmac',
      header: 'X-Slack-Signature',
      prefix: 'v0=',
      signedContent: 'v0:{timestamp}:{body}',
      timestampHeader: 'X-Slack-Request-Timestamp',
      tolerance: '2m',
      secret: 'slack-generic',
    };
    const verifier = hmacVerifier.create(slackLike);
    const signedAt = async (offsetMs: number) =>
      request({
        headers: await hmacVerifier.sign(slackLike, {
          rawBody: body,
          secret: slackLike.secret,
          timestamp: new Date(Date.now() + offsetMs),
        }),
        body,
      });
    await expect(verifier.verify(await signedAt(-60_000))).resolves.toBeUndefined();
    expect((await refusal(verifier, await signedAt(-3 * 60_000))).code).toBe('TIMESTAMP_OUT_OF_TOLERANCE');
    expect((await refusal(verifier, await signedAt(3 * 60_000))).code).toBe('TIMESTAMP_OUT_OF_TOLERANCE');
    expect((await refusal(verifier, withHeader(await signedAt(0), 'x-slack-request-timestamp', undefined))).code).toBe('TIMESTAMP_MISSING');
    expect((await refusal(verifier, tampered(await signedAt(0)))).code).toBe('SIGNATURE_INVALID');
    // Slack's own signer (independent of the generic one) is accepted too.
    const ts = String(Math.floor(Date.now() / 1000));
    const slack = `v0=${createHmac('sha256', 'slack-generic').update(`v0:${ts}:`).update(body).digest('hex')}`;
    await expect(
      verifier.verify(request({ headers: { 'x-slack-signature': slack, 'x-slack-request-timestamp': ts }, body })),
    ).resolves.toBeUndefined();
  });

  it.each([
    [{ signedContent: '{timestamp}.{body}' }, /needs verify.timestampHeader/],
    [{ signedContent: '{url}{body}' }, /needs verify.url/],
    [{ signedContent: '{bodyy}' }, /unknown placeholder/],
    [{ prefix: 'v1=', list: { signatureKey: 'v1' } }, /not used with verify.list/],
    [{ timestampHeader: 'X-T', list: { signatureKey: 'v1', timestampKey: 't' } }, /give one of the two/],
    [{ list: { separator: ',' } }, /list.signatureKey: required/],
  ])('refuses a contradictory block at load: %o', (extra, message) => {
    expect(() => hmacVerifier.create({ type: 'hmac', header: 'X-Sig', secret: 's', ...extra })).toThrow(message);
  });
});
