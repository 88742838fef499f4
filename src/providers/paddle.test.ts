import { createHmac } from 'node:crypto';
import { Paddle } from '@paddle/paddle-node-sdk';
import { describe, expect, it } from 'vitest';
import { refusal, request, sample, tampered, withHeader } from '../../test/support/provider-test-kit.ts';
import { paddleVerifier } from './paddle.ts';

const SECRETS = ['pdl_ntfset_01current_abcdef', 'pdl_ntfset_01previous_123456'];
const options = { type: 'paddle', secrets: SECRETS };
// The SDK sets up its crypto runtime when a client is built; the key is a placeholder (no network).
const paddle = new Paddle('pdl_sdbx_apikey_01placeholder_notused');

/** Paddle's documented signer: h1 = hex HMAC-SHA256 of "ts:body". */
function paddleHeader(body: Buffer, secret: string, at: Date): string {
  const ts = Math.floor(at.getTime() / 1000);
  return `ts=${ts};h1=${createHmac('sha256', secret).update(`${ts}:`).update(body).digest('hex')}`;
}

describe('paddle verifier', () => {
  it("the official SDK accepts what hookgate's sign() produces", async () => {
    const body = await sample('paddle', 'transaction.completed');
    const headers = await paddleVerifier.sign(options, { rawBody: body, secret: SECRETS[0]! });
    expect(await paddle.webhooks.isSignatureValid(body.toString('utf8'), SECRETS[0]!, headers['paddle-signature']!)).toBe(true);
    expect(await paddle.webhooks.isSignatureValid(body.toString('utf8'), 'pdl_ntfset_wrong', headers['paddle-signature']!)).toBe(false);
  });

  it('accepts a request signed as Paddle documents it, with either secret, and normalizes type and id', async () => {
    const body = await sample('paddle', 'transaction.completed');
    const verifier = paddleVerifier.create(options);
    for (const secret of SECRETS) {
      const req = request({ headers: { 'Paddle-Signature': paddleHeader(body, secret, new Date()) }, body });
      await expect(verifier.verify(req)).resolves.toBeUndefined();
    }
    const req = request({ headers: { 'Paddle-Signature': paddleHeader(body, SECRETS[0]!, new Date()) }, body });
    expect(verifier.normalize(req, JSON.parse(body.toString()))).toEqual({
      eventType: 'transaction.completed',
      dedupKey: 'evt_01hv8x2acma2gz1my4sbh9xcmf',
    });
  });

  it('accepts a header with several h1 signatures when one matches', async () => {
    const body = Buffer.from('{"event_id":"evt_1","event_type":"customer.created"}');
    const now = new Date();
    const header = `${paddleHeader(body, 'pdl_ntfset_unknown', now)};h1=${paddleHeader(body, SECRETS[1]!, now).split('h1=')[1]}`;
    await expect(
      paddleVerifier.create(options).verify(request({ headers: { 'paddle-signature': header }, body })),
    ).resolves.toBeUndefined();
  });

  it('refuses forged, altered, malformed, stale and future-dated requests', async () => {
    const body = await sample('paddle', 'transaction.completed');
    const verifier = paddleVerifier.create(options);
    const now = new Date();
    const good = request({ headers: { 'paddle-signature': paddleHeader(body, SECRETS[0]!, now) }, body, receivedAt: now });
    expect((await refusal(verifier, withHeader(good, 'paddle-signature', paddleHeader(body, 'forged', now)))).code).toBe(
      'SIGNATURE_INVALID',
    );
    expect((await refusal(verifier, tampered(good))).code).toBe('SIGNATURE_INVALID');
    expect((await refusal(verifier, withHeader(good, 'paddle-signature', 'h1=abc'))).code).toBe('SIGNATURE_MALFORMED');
    expect((await refusal(verifier, withHeader(good, 'paddle-signature', undefined))).code).toBe('SIGNATURE_MISSING');
    const stale = request({
      headers: { 'paddle-signature': paddleHeader(body, SECRETS[0]!, new Date(now.getTime() - 6_000)) },
      body,
      receivedAt: now,
    });
    expect((await refusal(verifier, stale)).code).toBe('TIMESTAMP_OUT_OF_TOLERANCE');
    const future = request({
      headers: { 'paddle-signature': paddleHeader(body, SECRETS[0]!, new Date(now.getTime() + 6_000)) },
      body,
      receivedAt: now,
    });
    expect((await refusal(verifier, future)).code).toBe('TIMESTAMP_OUT_OF_TOLERANCE');
  });

  it('takes a wider tolerance from the options', async () => {
    const body = Buffer.from('{}');
    const now = new Date();
    const req = request({
      headers: { 'paddle-signature': paddleHeader(body, SECRETS[0]!, new Date(now.getTime() - 60_000)) },
      body,
      receivedAt: now,
    });
    await expect(paddleVerifier.create({ ...options, tolerance: '2m' }).verify(req)).resolves.toBeUndefined();
  });
});
