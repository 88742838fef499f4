import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { providerFixture } from '../../test/support/provider-fixture.ts';
import { fixtureFor, testRequest, toRequest } from '../../test/support/verifier-request.ts';
import { SetupError } from '../errors.ts';
import { sha256Hex } from './hmac-core.ts';
import { stripeVerifier } from './stripe.ts';

const fx = fixtureFor('stripe');
const SECRET = fx.secrets[0]!;

describe('stripe verifier', () => {
  it('verifies a real payload signed by the SDK (generateTestHeaderString)', async () => {
    const { raw } = providerFixture('stripe', 'customer.subscription.created.json');
    const header = Stripe.webhooks.generateTestHeaderString({ payload: raw.toString('utf8'), secret: SECRET });
    const req = toRequest({ 'Stripe-Signature': header }, raw);
    await expect(stripeVerifier.create(fx.options).verify(req)).resolves.toBeUndefined();
  });

  it('accepts a header carrying several v1 signatures when one matches (secret roll)', async () => {
    const built = await testRequest('stripe').build();
    const header = built.headers['stripe-signature']!;
    const [t, v1] = header.split(',');
    const req = toRequest({ 'stripe-signature': `${t},v1=${'0'.repeat(64)},${v1}` }, built.rawBody);
    await expect(stripeVerifier.create(fx.options).verify(req)).resolves.toBeUndefined();
  });

  it('measures age against receivedAt: a request signed 4 minutes before receipt passes, 6 fails', async () => {
    const verifier = stripeVerifier.create(fx.options);
    const received = new Date('2030-01-01T00:10:00Z');
    const ok = await testRequest('stripe')
      .signedAt(new Date(received.getTime() - 4 * 60_000))
      .received(received)
      .build();
    await expect(verifier.verify(ok)).resolves.toBeUndefined();
    const stale = await testRequest('stripe')
      .signedAt(new Date(received.getTime() - 6 * 60_000))
      .received(received)
      .build();
    await expect(verifier.verify(stale)).rejects.toMatchObject({ code: 'TIMESTAMP_OUT_OF_TOLERANCE' });
  });

  it('honours a configured tolerance', async () => {
    const verifier = stripeVerifier.create({ ...fx.options, tolerance: '1h' });
    const req = await testRequest('stripe')
      .signedAt(new Date(Date.now() - 30 * 60_000))
      .build();
    await expect(verifier.verify(req)).resolves.toBeUndefined();
  });

  it('reports a stale request signed with the second rotation secret as stale, not invalid', async () => {
    const req = await testRequest('stripe')
      .signedWith(fx.secrets[1]!)
      .signedAt(new Date(Date.now() - 600_000))
      .build();
    await expect(stripeVerifier.create(fx.options).verify(req)).rejects.toMatchObject({ code: 'TIMESTAMP_OUT_OF_TOLERANCE' });
  });

  it.each([
    ['no timestamp', 'v1=abcdef'],
    ['non-numeric timestamp', 't=abc,v1=abcdef'],
    ['no v1 signature', 't=1700000000,v0=abcdef'],
    ['garbage', 'hello'],
  ])('refuses a malformed header: %s', async (_name, value) => {
    const req = await testRequest('stripe').header('stripe-signature', value).build();
    await expect(stripeVerifier.create(fx.options).verify(req)).rejects.toMatchObject({
      code: 'SIGNATURE_MALFORMED',
      message: 'malformed signature header: Stripe-Signature',
    });
  });

  it('refuses a body that is not valid UTF-8 (the SDK would decode it lossily)', async () => {
    const latin1 = await testRequest('stripe')
      .body(Buffer.from([0x7b, 0xff, 0x7d]))
      .build();
    await expect(stripeVerifier.create(fx.options).verify(latin1)).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
  });

  it('accepts a signed empty body (the signature still covers it)', async () => {
    const empty = await testRequest('stripe').body('').build();
    await expect(stripeVerifier.create(fx.options).verify(empty)).resolves.toBeUndefined();
  });

  it('does not pass the SDK error text through', async () => {
    const req = await testRequest('stripe').signedWith(fx.wrongSecret).build();
    await expect(stripeVerifier.create(fx.options).verify(req)).rejects.toThrow(/^signature does not match: Stripe-Signature$/);
  });

  it('normalizes: event type = body type, dedup key = body id', () => {
    const { raw, body } = providerFixture('stripe', 'invoice.payment_failed.json');
    const n = stripeVerifier.create(fx.options).normalize(toRequest({}, raw), body);
    expect(n).toEqual({ eventType: 'invoice.payment_failed', dedupKey: 'evt_1QzA9cLkdIwHu7ixLp4nX0Ws' });
  });

  it('normalizes a body without id or type to "" and the raw-body hash', () => {
    const raw = Buffer.from('{}');
    expect(stripeVerifier.create(fx.options).normalize(toRequest({}, raw), {})).toEqual({ eventType: '', dedupKey: sha256Hex(raw) });
  });

  it.each([
    [{ type: 'stripe', secrets: ['', ''] }, /non-empty secret/],
    [{ type: 'stripe', secret: 'whsec_x', tolerance: '5 minutes' }, /verify.tolerance/],
    [{ type: 'stripe', secret: 'whsec_x', tolerance: '0s' }, /greater than 0/],
  ])('create() refuses bad options with a SetupError (%#)', (options, message) => {
    expect(() => stripeVerifier.create(options)).toThrow(SetupError);
    expect(() => stripeVerifier.create(options)).toThrow(message);
  });

  it('sign() produces the header the SDK produces for the same timestamp', async () => {
    const rawBody = Buffer.from('{"id":"evt_1"}');
    const timestamp = new Date('2030-01-01T00:00:00Z');
    const headers = await stripeVerifier.sign(fx.options, { rawBody, secret: SECRET, timestamp });
    const expected = Stripe.webhooks.generateTestHeaderString({ payload: '{"id":"evt_1"}', secret: SECRET, timestamp: 1893456000 });
    expect(headers).toEqual({ 'stripe-signature': expected });
  });
});
