import { describe, expect, it } from 'vitest';
import { toRequest } from '../../test/support/verifier-request.ts';
import { SetupError } from '../errors.ts';
import { sha256Hex } from './hmac-core.ts';
import { linearVerifier } from './linear.ts';

/** Signature computed outside hookgate: `openssl dgst -sha256 -hmac lin_wh_vector-secret` over BODY. */
const VECTOR = {
  secret: 'lin_wh_vector-secret',
  body: '{"action":"create","type":"Issue","data":{"id":"iss-1","title":"T"},"webhookTimestamp":1796029964200,"webhookId":"wh-9"}',
  signature: 'baebf2cf3a064e7ff8bdd1f2ce851fc52570517b82b9a0a213c645fb8200e693',
  signedAt: 1796029964200,
};
const OPTIONS = { type: 'linear', secret: VECTOR.secret };

describe('linear verifier', () => {
  it('accepts the published scheme: hex HMAC-SHA256 of the body, computed by openssl', async () => {
    const req = toRequest({ 'linear-signature': VECTOR.signature }, VECTOR.body, new Date(VECTOR.signedAt + 5_000));
    await expect(linearVerifier.create(OPTIONS).verify(req)).resolves.toBeUndefined();
  });

  it('sign() produces the same signature as openssl', async () => {
    const headers = await linearVerifier.sign(OPTIONS, { rawBody: Buffer.from(VECTOR.body), secret: VECTOR.secret, deliveryId: 'd-7' });
    expect(headers).toMatchObject({ 'linear-signature': VECTOR.signature, 'linear-delivery': 'd-7' });
  });

  it('measures webhookTimestamp against receipt: 59 s either way passes, 61 s fails (default 1m)', async () => {
    const verifier = linearVerifier.create(OPTIONS);
    const at = (offset: number) => toRequest({ 'linear-signature': VECTOR.signature }, VECTOR.body, new Date(VECTOR.signedAt + offset));
    await expect(verifier.verify(at(59_000))).resolves.toBeUndefined();
    await expect(verifier.verify(at(-59_000))).resolves.toBeUndefined();
    await expect(verifier.verify(at(61_000))).rejects.toMatchObject({ code: 'TIMESTAMP_OUT_OF_TOLERANCE' });
    await expect(verifier.verify(at(-61_000))).rejects.toThrow('timestamp outside the tolerance: webhookTimestamp');
  });

  it('honours a configured tolerance', async () => {
    const req = toRequest({ 'linear-signature': VECTOR.signature }, VECTOR.body, new Date(VECTOR.signedAt + 4 * 60_000));
    await expect(linearVerifier.create({ ...OPTIONS, tolerance: '5m' }).verify(req)).resolves.toBeUndefined();
    expect(() => linearVerifier.create({ ...OPTIONS, tolerance: '0s' })).toThrow(SetupError);
  });

  it('refuses a validly signed body without a numeric webhookTimestamp as missing its timestamp', async () => {
    for (const body of ['{"type":"Issue","action":"create"}', '{"webhookTimestamp":"1796029964200"}', 'a=1']) {
      const headers = await linearVerifier.sign(OPTIONS, { rawBody: Buffer.from(body), secret: VECTOR.secret });
      await expect(linearVerifier.create(OPTIONS).verify(toRequest(headers, body))).rejects.toThrow(
        'missing timestamp header: webhookTimestamp',
      );
    }
  });

  it('checks the signature before the timestamp: a stale forgery is invalid, not stale', async () => {
    const req = toRequest({ 'linear-signature': 'ab'.repeat(32) }, VECTOR.body, new Date(VECTOR.signedAt + 3_600_000));
    await expect(linearVerifier.create(OPTIONS).verify(req)).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
  });

  it('normalizes to type.action, dedup key Linear-Delivery, else body webhookId, else the body hash', () => {
    const body = JSON.parse(VECTOR.body) as unknown;
    const verifier = linearVerifier.create(OPTIONS);
    expect(verifier.normalize(toRequest({ 'linear-delivery': 'del-1' }, VECTOR.body), body)).toEqual({
      eventType: 'Issue.create',
      dedupKey: 'del-1',
    });
    expect(verifier.normalize(toRequest({}, VECTOR.body), body).dedupKey).toBe('wh-9');
    expect(verifier.normalize(toRequest({}, '{"type":"Issue"}'), { type: 'Issue' })).toEqual({
      eventType: 'Issue',
      dedupKey: sha256Hex('{"type":"Issue"}'),
    });
  });

  it('stampBody sets webhookTimestamp to the signing time and leaves a non-object body alone', () => {
    const stamp = linearVerifier.timestamp?.stampBody;
    expect(stamp).toBeDefined();
    const at = new Date('2030-01-01T00:00:00Z');
    expect(JSON.parse(stamp!(Buffer.from(VECTOR.body), at).toString('utf8'))).toMatchObject({
      webhookTimestamp: at.getTime(),
      webhookId: 'wh-9',
    });
    expect(stamp!(Buffer.from('[1]'), at).toString()).toBe('[1]');
  });
});
