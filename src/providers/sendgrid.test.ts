import { generateKeyPairSync } from 'node:crypto';
import { EventWebhook } from '@sendgrid/eventwebhook';
import { describe, expect, it } from 'vitest';
import { MINUTE, refusal, request, sample, tampered, withHeader } from '../../test/support/provider-test-kit.ts';
import { sendgridVerifier } from './sendgrid.ts';

/** The published test vector of the official sendgrid-nodejs library (eventwebhook.spec.js). */
const VECTOR = {
  publicKey: 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g==',
  signature: 'MEUCIGHQVtGj+Y3LkG9fLcxf3qfI10QysgDWmMOVmxG0u6ZUAiEAyBiXDWzM+uOe5W0JuG+luQAbPIqHh89M15TluLtEZtM=',
  timestamp: '1600112502',
  payload: `${JSON.stringify([
    {
      email: 'hello@world.com',
      event: 'dropped',
      reason: 'Bounced Address',
      sg_event_id: 'ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA',
      sg_message_id: 'LRzXl_NHStOGhQ4kofSm_A.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0',
      'smtp-id': '<LRzXl_NHStOGhQ4kofSm_A@ismtpd0039p1iad1.sendgrid.net>',
      timestamp: 1600112492,
    },
  ])}\r\n`,
};

function keyPair(): { publicKey: string; privateKey: string } {
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    publicKey: pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    privateKey: pair.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
  };
}

const at = (timestamp: string) => new Date(Number(timestamp) * 1000);

describe('sendgrid verifier', () => {
  it("accepts the official library's published vector and normalizes its one event", async () => {
    const verifier = sendgridVerifier.create({ type: 'sendgrid', publicKey: VECTOR.publicKey });
    const req = request({
      headers: { 'X-Twilio-Email-Event-Webhook-Signature': VECTOR.signature, 'X-Twilio-Email-Event-Webhook-Timestamp': VECTOR.timestamp },
      body: VECTOR.payload,
      receivedAt: at(VECTOR.timestamp),
    });
    await expect(verifier.verify(req)).resolves.toBeUndefined();
    expect(verifier.normalize(req, JSON.parse(VECTOR.payload))).toEqual({
      eventType: 'dropped',
      dedupKey: 'ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA',
    });
    expect((await refusal(verifier, tampered(req))).code).toBe('SIGNATURE_INVALID');
    expect((await refusal(verifier, { ...req, receivedAt: new Date() })).code).toBe('TIMESTAMP_OUT_OF_TOLERANCE');
  });

  it("the official library accepts what hookgate's sign() produces; hookgate accepts a PEM key too", async () => {
    const keys = keyPair();
    const body = await sample('sendgrid', 'delivered');
    const headers = await sendgridVerifier.sign(
      { type: 'sendgrid', publicKey: keys.publicKey },
      { rawBody: body, secret: keys.privateKey },
    );
    const library = new EventWebhook();
    const ecdsaKey = library.convertPublicKeyToECDSA(keys.publicKey);
    const sig = headers['x-twilio-email-event-webhook-signature']!;
    const ts = headers['x-twilio-email-event-webhook-timestamp']!;
    expect(library.verifySignature(ecdsaKey, body.toString('utf8'), sig, ts)).toBe(true);
    expect(library.verifySignature(ecdsaKey, `${body.toString('utf8')} `, sig, ts)).toBe(false);
    const pem = `-----BEGIN PUBLIC KEY-----\n${keys.publicKey}\n-----END PUBLIC KEY-----`;
    await expect(sendgridVerifier.create({ type: 'sendgrid', publicKey: pem }).verify(request({ headers, body }))).resolves.toBeUndefined();
  });

  it('accepts a signature from either key of a rotation list; throwaway keys sign for their own options', async () => {
    const old = keyPair();
    const current = keyPair();
    const body = await sample('sendgrid', 'delivered');
    const verifier = sendgridVerifier.create({ type: 'sendgrid', publicKey: [current.publicKey, old.publicKey] });
    for (const keys of [current, old]) {
      const headers = await sendgridVerifier.sign(
        { type: 'sendgrid', publicKey: keys.publicKey },
        { rawBody: body, secret: keys.privateKey },
      );
      await expect(verifier.verify(request({ headers, body }))).resolves.toBeUndefined();
    }
    const throwaway = sendgridVerifier.throwawayKeys!({ type: 'sendgrid', publicKey: VECTOR.publicKey });
    const headers = await sendgridVerifier.sign(throwaway.options, { rawBody: body, secret: throwaway.signingSecret });
    await expect(sendgridVerifier.create(throwaway.options).verify(request({ headers, body }))).resolves.toBeUndefined();
  });

  it('refuses another key, an altered body, stale and future-dated requests, and a bad key in the options', async () => {
    const keys = keyPair();
    const other = keyPair();
    const body = await sample('sendgrid', 'delivered');
    const options = { type: 'sendgrid', publicKey: keys.publicKey };
    const verifier = sendgridVerifier.create(options);
    const now = new Date();
    const signed = (secret: string, when: Date) => sendgridVerifier.sign(options, { rawBody: body, secret, timestamp: when });
    const good = request({ headers: await signed(keys.privateKey, now), body, receivedAt: now });
    expect((await refusal(verifier, request({ headers: await signed(other.privateKey, now), body, receivedAt: now }))).code).toBe(
      'SIGNATURE_INVALID',
    );
    expect((await refusal(verifier, tampered(good))).code).toBe('SIGNATURE_INVALID');
    expect((await refusal(verifier, withHeader(good, 'x-twilio-email-event-webhook-signature', 'not base64!'))).code).toBe(
      'SIGNATURE_MALFORMED',
    );
    expect((await refusal(verifier, withHeader(good, 'x-twilio-email-event-webhook-timestamp', undefined))).code).toBe('TIMESTAMP_MISSING');
    const stale = request({ headers: await signed(keys.privateKey, new Date(now.getTime() - 6 * MINUTE)), body, receivedAt: now });
    expect((await refusal(verifier, stale)).code).toBe('TIMESTAMP_OUT_OF_TOLERANCE');
    const future = request({ headers: await signed(keys.privateKey, new Date(now.getTime() + 6 * MINUTE)), body, receivedAt: now });
    expect((await refusal(verifier, future)).code).toBe('TIMESTAMP_OUT_OF_TOLERANCE');
    expect(() => sendgridVerifier.create({ type: 'sendgrid', publicKey: 'bm90IGEga2V5' })).toThrow(/verify.publicKey/);
  });
});
