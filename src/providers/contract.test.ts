/**
 * The behaviour every signed verifier type shares, table-driven from the test-request builder:
 * each case starts from a request the provider itself would send and breaks exactly one thing.
 */
import { describe, expect, it } from 'vitest';
import { type ErrorCode, VerificationError } from '../errors.ts';
import { createVerifier, secretHeadersFor, signFor, verifierTypes } from './registry.ts';
import { fixtureFor, type TestRequestBuilder, testRequest, toRequest } from './test-request.ts';
import type { WebhookRequest } from './types.ts';

const SIGNED_TYPES = [...verifierTypes.keys()].filter(function signed(type) {
  return type !== 'none';
});
const TEN_MINUTES = 10 * 60_000;

interface FailureCase {
  readonly name: string;
  readonly code: ErrorCode;
  readonly build: (b: TestRequestBuilder) => TestRequestBuilder;
}

function failureCases(type: string): FailureCase[] {
  const fx = fixtureFor(type);
  const cases: FailureCase[] = [
    { name: 'wrong secret', code: fx.mismatchCode, build: (b) => b.signedWith(fx.wrongSecret) },
    { name: 'signature header removed', code: 'SIGNATURE_MISSING', build: (b) => b.without(fx.signatureHeader) },
    { name: 'signature header empty', code: 'SIGNATURE_MISSING', build: (b) => b.header(fx.signatureHeader, '') },
  ];
  if (fx.signsBody) cases.push({ name: 'body tampered (one bit)', code: 'SIGNATURE_INVALID', build: (b) => b.tamperBody() });
  if (fx.malformed !== undefined) {
    const malformed = fx.malformed;
    cases.push({ name: 'signature header malformed', code: 'SIGNATURE_MALFORMED', build: (b) => b.header(fx.signatureHeader, malformed) });
  }
  if (fx.timestamped) {
    cases.push({
      name: 'timestamp stale (10 minutes old)',
      code: 'TIMESTAMP_OUT_OF_TOLERANCE',
      build: (b) => b.signedAt(new Date(Date.now() - TEN_MINUTES)),
    });
  }
  return cases;
}

async function verifyError(type: string, req: WebhookRequest): Promise<VerificationError> {
  const verifier = createVerifier(fixtureFor(type).options);
  try {
    await verifier.verify(req);
  } catch (error) {
    if (error instanceof VerificationError) return error;
    throw error;
  }
  throw new Error(`expected ${type} to refuse the request`);
}

/** Every long token of the genuine signature header (hex, base64 runs), which must never leak. */
function signatureTokens(value: string): string[] {
  return value.match(/[A-Za-z0-9+/=_-]{16,}/g) ?? [];
}

describe.each(SIGNED_TYPES)('verifier contract: %s', function contract(type) {
  const fx = fixtureFor(type);

  it('accepts a request signed the way the provider signs it', async function valid() {
    const req = await testRequest(type).build();
    await expect(createVerifier(fx.options).verify(req)).resolves.toBeUndefined();
  });

  it.each(fx.secrets.map((secret, index) => ({ secret, index })))('accepts rotation secret #$index', async function rotation({ secret }) {
    const req = await testRequest(type).signedWith(secret).build();
    await expect(createVerifier(fx.options).verify(req)).resolves.toBeUndefined();
  });

  it.each(failureCases(type))('refuses: $name → $code', async function refuses(c) {
    const req = await c.build(testRequest(type)).build();
    const error = await verifyError(type, req);
    expect(error.code).toBe(c.code);
    expect(error.status).toBe(400);
    const message = error.message.toLowerCase();
    const named = c.code === 'TIMESTAMP_OUT_OF_TOLERANCE' && type !== 'stripe' ? /timestamp/ : fx.signatureHeader;
    expect(message).toMatch(named);
    // Never a secret, never the signature the verifier expected: the message is the catalog
    // text and a header name, nothing else.
    expect(error.message).toMatch(/^[a-z ]+: [A-Za-z0-9-]+$/);
    const genuine = await testRequest(type).body(req.rawBody).build();
    for (const secret of [...fx.secrets, fx.wrongSecret]) expect(error.message).not.toContain(secret);
    for (const token of signatureTokens(genuine.headers[fx.signatureHeader] ?? '')) {
      expect(error.message).not.toContain(token);
    }
  });

  it.each(fx.secrets.map((secret, index) => ({ secret, index })))(
    'sign() round-trips through verify() with secret #$index',
    async function roundTrip({ secret }) {
      const rawBody = Buffer.from('{"type":"x.y","id":"evt_rt"}');
      const headers = await signFor(fx.options, { rawBody, secret, eventType: 'x.y', deliveryId: 'd-1' });
      await expect(createVerifier(fx.options).verify(toRequest(headers, rawBody))).resolves.toBeUndefined();
    },
  );

  it('sign() with a wrong secret does not verify', async function signWrong() {
    const rawBody = Buffer.from('{"type":"x.y"}');
    const headers = await signFor(fx.options, { rawBody, secret: fx.wrongSecret });
    await expect(createVerifier(fx.options).verify(toRequest(headers, rawBody))).rejects.toBeInstanceOf(VerificationError);
  });

  it('lists its signature header among the secret headers', function secretHeaders() {
    expect(secretHeadersFor(fx.options)).toContain(fx.signatureHeader);
  });
});
