import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fixtureFor, testRequest, toRequest } from '../../test/support/verifier-request.ts';
import { SetupError } from '../errors.ts';
import { sha256Hex } from './hmac-core.ts';
import { standardWebhooksVerifier } from './standard-webhooks.ts';

const fx = fixtureFor('standard-webhooks');

// The test vector published with the Standard Webhooks specification and its reference libraries.
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

afterEach(() => {
  vi.useRealTimers();
});

describe('standard-webhooks verifier', () => {
  it('verifies the published test vector (clock set to its timestamp)', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: VECTOR.timestamp * 1000 });
    const verifier = standardWebhooksVerifier.create({ type: 'standard-webhooks', secret: VECTOR.secret });
    const req = toRequest(
      { 'webhook-id': VECTOR.id, 'webhook-timestamp': String(VECTOR.timestamp), 'webhook-signature': VECTOR.signature },
      VECTOR.body,
    );
    await expect(verifier.verify(req)).resolves.toBeUndefined();
  });

  it('measures the tolerance from the received time, not the clock: the 2021 vector received in 2021 verifies today; 5 min 1 s later it is refused', async () => {
    const verifier = standardWebhooksVerifier.create({ type: 'standard-webhooks', secret: VECTOR.secret });
    const headers = { 'webhook-id': VECTOR.id, 'webhook-timestamp': String(VECTOR.timestamp), 'webhook-signature': VECTOR.signature };
    const signedAt = VECTOR.timestamp * 1000;
    await expect(verifier.verify(toRequest(headers, VECTOR.body, new Date(signedAt + 5 * 60_000)))).resolves.toBeUndefined();
    await expect(verifier.verify(toRequest(headers, VECTOR.body, new Date(signedAt - 5 * 60_000)))).resolves.toBeUndefined();
    await expect(verifier.verify(toRequest(headers, VECTOR.body, new Date(signedAt + 5 * 60_000 + 1000)))).rejects.toThrow(
      'timestamp outside the tolerance: webhook-timestamp',
    );
    await expect(verifier.verify(toRequest(headers, VECTOR.body, new Date(signedAt - 5 * 60_000 - 1000)))).rejects.toThrow(
      'timestamp outside the tolerance: webhook-timestamp',
    );
  });

  it('accepts any matching v1 entry of a space-separated list and refuses a list with none', async () => {
    const verifier = standardWebhooksVerifier.create({ type: 'standard-webhooks', secret: VECTOR.secret });
    const at = new Date(VECTOR.timestamp * 1000);
    const other = 'v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
    const req = (signature: string) =>
      toRequest(
        { 'webhook-id': VECTOR.id, 'webhook-timestamp': String(VECTOR.timestamp), 'webhook-signature': signature },
        VECTOR.body,
        at,
      );
    await expect(verifier.verify(req(`${other} ${VECTOR.signature}`))).resolves.toBeUndefined();
    await expect(verifier.verify(req(`v2,abc ${other}`))).rejects.toThrow('signature does not match');
  });

  it('verifies the same vector under the svix-* header names', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: VECTOR.timestamp * 1000 });
    const verifier = standardWebhooksVerifier.create({ type: 'standard-webhooks', secret: VECTOR.secret });
    const req = toRequest(
      { 'svix-id': VECTOR.id, 'svix-timestamp': String(VECTOR.timestamp), 'svix-signature': VECTOR.signature },
      VECTOR.body,
    );
    await expect(verifier.verify(req)).resolves.toBeUndefined();
  });

  it('refuses the published vector once it is old (5 minutes, as the library)', async () => {
    const verifier = standardWebhooksVerifier.create({ type: 'standard-webhooks', secret: VECTOR.secret });
    const req = toRequest(
      { 'webhook-id': VECTOR.id, 'webhook-timestamp': String(VECTOR.timestamp), 'webhook-signature': VECTOR.signature },
      VECTOR.body,
    );
    await expect(verifier.verify(req)).rejects.toThrow('timestamp outside the tolerance: webhook-timestamp');
  });

  it("sign() reproduces the published vector's signature", async () => {
    const headers = await standardWebhooksVerifier.sign(
      { type: 'standard-webhooks' },
      { rawBody: Buffer.from(VECTOR.body), secret: VECTOR.secret, timestamp: new Date(VECTOR.timestamp * 1000), deliveryId: VECTOR.id },
    );
    expect(headers).toEqual({
      'webhook-id': VECTOR.id,
      'webhook-timestamp': String(VECTOR.timestamp),
      'webhook-signature': VECTOR.signature,
    });
  });

  it('refuses a timestamp from the future beyond the tolerance', async () => {
    const req = await testRequest('standard-webhooks')
      .signedAt(new Date(Date.now() + 10 * 60_000))
      .build();
    await expect(standardWebhooksVerifier.create(fx.options).verify(req)).rejects.toMatchObject({ code: 'TIMESTAMP_OUT_OF_TOLERANCE' });
  });

  it('accepts a signature list where any one entry matches', async () => {
    const built = await testRequest('standard-webhooks').build();
    const list = `v1,${Buffer.alloc(32).toString('base64')} ${built.headers['webhook-signature']}`;
    const req = { ...built, headers: { ...built.headers, 'webhook-signature': list } };
    await expect(standardWebhooksVerifier.create(fx.options).verify(req)).resolves.toBeUndefined();
  });

  it.each([
    ['webhook-id', 'SIGNATURE_MISSING', 'missing signature header: webhook-id'],
    ['webhook-timestamp', 'TIMESTAMP_MISSING', 'missing timestamp header: webhook-timestamp'],
    ['webhook-signature', 'SIGNATURE_MISSING', 'missing signature header: webhook-signature'],
  ])('names the missing header %s', async (name, code, message) => {
    const req = await testRequest('standard-webhooks').without(name).build();
    await expect(standardWebhooksVerifier.create(fx.options).verify(req)).rejects.toMatchObject({ code, message });
  });

  it('names the svix-* header when the request uses that family', async () => {
    const built = await testRequest('standard-webhooks').build();
    const req = toRequest(
      { 'svix-id': built.headers['webhook-id']!, 'svix-timestamp': built.headers['webhook-timestamp']! },
      built.rawBody,
    );
    await expect(standardWebhooksVerifier.create(fx.options).verify(req)).rejects.toThrow('missing signature header: svix-signature');
  });

  it('refuses a non-numeric timestamp as malformed', async () => {
    const req = await testRequest('standard-webhooks').header('webhook-timestamp', 'yesterday').build();
    await expect(standardWebhooksVerifier.create(fx.options).verify(req)).rejects.toThrow('malformed signature header: webhook-timestamp');
  });

  it('refuses a changed webhook-id (it is part of the signed content)', async () => {
    const req = await testRequest('standard-webhooks').header('webhook-id', 'msg_other').build();
    await expect(standardWebhooksVerifier.create(fx.options).verify(req)).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
  });

  it('refuses a secret that is not base64 with a SetupError that does not echo it', () => {
    const create = () => standardWebhooksVerifier.create({ type: 'standard-webhooks', secrets: [fx.secrets[0]!, 'whsec_n*t-base64!'] });
    expect(create).toThrow(SetupError);
    expect(create).toThrow(/secret #2 /);
    expect(create).not.toThrow(/n\*t-base64/);
  });

  it.each([
    [{ 'webhook-id': 'msg_1' }, 'msg_1'],
    [{ 'svix-id': 'msg_2' }, 'msg_2'],
  ])('normalizes with %j: event type = body type', (headers, dedupKey) => {
    const body = { type: 'invoice.paid', data: {} };
    const n = standardWebhooksVerifier.create(fx.options).normalize(toRequest(headers, JSON.stringify(body)), body);
    expect(n).toEqual({ eventType: 'invoice.paid', dedupKey });
  });

  it('normalizes without an id header to the body hash', () => {
    const raw = '{"type":"user.created"}';
    const n = standardWebhooksVerifier.create(fx.options).normalize(toRequest({}, raw), JSON.parse(raw));
    expect(n).toEqual({ eventType: 'user.created', dedupKey: sha256Hex(raw) });
  });

  it('sign() output verifies with the library itself', async () => {
    const rawBody = Buffer.from('{"type":"a.b"}');
    const headers = await standardWebhooksVerifier.sign(fx.options, { rawBody, secret: fx.secrets[0]! });
    expect(() => new Webhook(fx.secrets[0]!).verify(rawBody, headers, { jsonParse: false })).not.toThrow();
  });
});
