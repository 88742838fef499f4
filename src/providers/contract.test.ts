/**
 * The behaviour every registered verifier type shares, driven by the registry: each case starts
 * from a request the provider itself would send and breaks exactly one thing. A new type is
 * covered here as soon as its module exists.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixtureFor, type TestRequestBuilder, testRequest, toRequest } from '../../test/support/verifier-request.ts';
import { type ErrorCode, HookgateError, VerificationError } from '../errors.ts';
import { normalize } from '../pipeline/normalize.ts';
import { parseBody } from '../pipeline/parse-body.ts';
import type { CompiledProvider } from '../pipeline/types.ts';
import { toleranceMs } from './option-readers.ts';
import { secretHeaderSet } from './redaction.ts';
import { createVerifier, secretHeadersFor, signRequestFor, verifierTypes } from './registry.ts';
import type { VerifierType, WebhookRequest } from './types.ts';

const ALL_TYPES = [...verifierTypes.keys()];
const SIGNED_TYPES = ALL_TYPES.filter(function signed(type) {
  return verifierTypes.get(type)?.kind !== 'none';
});
const TIMESTAMPED_TYPES = ALL_TYPES.filter(function timestamped(type) {
  return verifierTypes.get(type)?.timestamp !== undefined;
});
const HEADER_EVENT_TYPES = ALL_TYPES.filter(function fromHeader(type) {
  return verifierTypes.get(type)?.eventTypeHeader !== undefined;
});
const DAY = 24 * 3_600_000;
const SAMPLES = fileURLToPath(new URL('../../samples', import.meta.url));

/** The tolerance the example block gets: its own `tolerance`, else the type's default. */
function toleranceOf(verifierType: VerifierType): number {
  return toleranceMs(verifierType.example.options, verifierType.timestamp?.defaultToleranceMs ?? 0);
}

interface FailureCase {
  readonly name: string;
  readonly code: ErrorCode;
  readonly build: (b: TestRequestBuilder) => TestRequestBuilder;
}

function failureCases(type: string): FailureCase[] {
  const fx = fixtureFor(type);
  const cases: FailureCase[] = [{ name: 'wrong secret', code: fx.mismatchCode, build: (b) => b.signedWith(fx.wrongSecret) }];
  // A scheme that signs inside the body (Mailgun) has no header to remove; its own tests cover that.
  if (fx.signatureHeader !== '') {
    cases.push(
      { name: 'signature header removed', code: 'SIGNATURE_MISSING', build: (b) => b.without(fx.signatureHeader) },
      { name: 'signature header empty', code: 'SIGNATURE_MISSING', build: (b) => b.header(fx.signatureHeader, '') },
    );
  }
  if (fx.signsBody) cases.push({ name: 'body tampered (one bit)', code: 'SIGNATURE_INVALID', build: (b) => b.tamperBody() });
  if (fx.malformed !== undefined) {
    const malformed = fx.malformed;
    cases.push({ name: 'signature header malformed', code: 'SIGNATURE_MALFORMED', build: (b) => b.header(fx.signatureHeader, malformed) });
  }
  if (fx.timestamped) {
    const stale = Math.max(10 * 60_000, 2 * toleranceOf(fx.verifierType));
    cases.push(
      {
        name: 'timestamp stale (beyond the tolerance)',
        code: 'TIMESTAMP_OUT_OF_TOLERANCE',
        build: (b) => b.signedAt(new Date(Date.now() - stale)),
      },
      {
        name: 'timestamp 24 h in the future',
        code: 'TIMESTAMP_OUT_OF_TOLERANCE',
        build: (b) => b.signedAt(new Date(Date.now() + DAY)),
      },
    );
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

describe.each(ALL_TYPES)('verifier descriptor: %s', function descriptor(type) {
  const verifierType = verifierTypes.get(type)!;

  it('documents itself for the README table', function documented() {
    const docs = verifierType.docs;
    for (const text of [docs.provider, docs.scheme, docs.eventType, docs.dedupKey]) expect(text.trim()).not.toBe('');
    if (verifierType.kind !== 'none') expect(docs.headers.length).toBeGreaterThan(0);
    if (docs.url !== undefined) expect(docs.url).toMatch(/^https:\/\//);
  });

  it('keeps Authorization, Cookie and Proxy-Authorization secret, with its own headers', function redaction() {
    const set = secretHeaderSet(verifierType.example.options);
    for (const name of ['authorization', 'cookie', 'proxy-authorization', ...verifierType.secretHeaders(verifierType.example.options)]) {
      expect(set.has(name)).toBe(true);
    }
    for (const name of set) expect(name).toBe(name.toLowerCase());
  });
});

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
    // 400, or the status a provider requires for a refusal (Discord checks for 401).
    expect([400, 401, 403]).toContain(error.status);
    const message = error.message.toLowerCase();
    const location = fx.verifierType.timestamp?.location.split(' ').pop() ?? '';
    const named = c.code === 'TIMESTAMP_OUT_OF_TOLERANCE' ? location.toLowerCase() : fx.signatureHeader;
    expect(message).toContain(named);
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
    'its own sign() round-trips through verify() with secret #$index',
    async function roundTrip({ secret }) {
      const at = new Date();
      const raw = Buffer.from('{"type":"x.y","id":"evt_rt"}');
      const rawBody = fx.verifierType.timestamp?.stampBody?.(raw, at) ?? raw;
      const signed = await signRequestFor(fx.options, { rawBody, secret, timestamp: at, eventType: 'x.y', deliveryId: 'd-1' });
      const req = toRequest(signed.headers, signed.rawBody, at, signed.query);
      await expect(createVerifier(fx.options).verify(req)).resolves.toBeUndefined();
    },
  );

  it('its own sign() with a wrong secret does not verify', async function signWrong() {
    const at = new Date();
    const raw = Buffer.from('{"type":"x.y"}');
    const rawBody = fx.verifierType.timestamp?.stampBody?.(raw, at) ?? raw;
    const signed = await signRequestFor(fx.options, { rawBody, secret: fx.wrongSecret, timestamp: at });
    const req = toRequest(signed.headers, signed.rawBody, at, signed.query);
    await expect(createVerifier(fx.options).verify(req)).rejects.toBeInstanceOf(VerificationError);
  });

  it('lists its signature header first among the secret headers (none when it signs inside the body)', function secretHeaders() {
    const bodySigned = fx.verifierType.docs.headers.every((name) => name.startsWith('body '));
    if (bodySigned) expect(secretHeadersFor(fx.options)).toEqual([]);
    else expect(fx.signatureHeader).not.toBe('');
    expect(secretHeadersFor(fx.options)[0] ?? '').toBe(fx.signatureHeader);
  });
});

describe.each(TIMESTAMPED_TYPES)('signed timestamp: %s', function timestamps(type) {
  const fx = fixtureFor(type);
  const half = Math.floor(toleranceOf(fx.verifierType) / 2);

  it.each([
    ['half the tolerance in the past', -half],
    ['half the tolerance in the future', half],
  ])('accepts a request signed %s', async function withinTolerance(_label, offset) {
    const received = new Date();
    const req = await testRequest(type)
      .signedAt(new Date(received.getTime() + offset))
      .received(received)
      .build();
    await expect(createVerifier(fx.options).verify(req)).resolves.toBeUndefined();
  });

  it('judges the signed time against the received time, not the clock (config-test sequences run on a simulated clock)', async function receivedTime() {
    const dayAgo = new Date(Math.floor(Date.now() / 1000) * 1000 - DAY);
    const req = await testRequest(type).signedAt(dayAgo).received(dayAgo).build();
    await expect(createVerifier(fx.options).verify(req)).resolves.toBeUndefined();
  });
});

describe.each(HEADER_EVENT_TYPES)('event type header: %s', function eventHeader(type) {
  const fx = fixtureFor(type);
  const name = fx.verifierType.eventTypeHeader!;
  const provider = (): CompiledProvider => ({
    name: `my-${type}`,
    type,
    options: fx.options,
    verifier: createVerifier(fx.options),
    secretHeaders: secretHeaderSet(fx.options),
    eventExpr: null,
    idExpr: null,
  });

  it(`a verified request without ${name} is refused with 400 event_type_missing naming the header`, async function missing() {
    const req = await testRequest(type).without(name).build();
    await expect(createVerifier(fx.options).verify(req)).resolves.toBeUndefined();
    const error = await normalize(provider(), req, parseBody(req.rawBody, req.headers['content-type'])).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(HookgateError);
    expect(error).toMatchObject({ code: 'EVENT_TYPE_MISSING', status: 400 });
    expect((error as Error).message).toContain(name);
  });

  it(`a request with ${name} normalizes from it`, async function present() {
    const req = await testRequest(type).event('issue.created').build();
    const n = await normalize(provider(), req, parseBody(req.rawBody, req.headers['content-type']));
    expect(n.eventType.length).toBeGreaterThan(0);
  });
});

/** samples/<type>/<event>.json for every type that ships samples. */
function samples(): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const type of ALL_TYPES) {
    const dir = path.join(SAMPLES, type);
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) out.push([type, file]);
  }
  return out;
}

describe('bundled samples', () => {
  it('exist for linear (the preset added as one module plus its samples)', () => {
    expect(samples().filter(([type]) => type === 'linear').length).toBeGreaterThan(0);
  });

  it.each(samples())('%s/%s, signed by its type, verifies and normalizes to the event its file names', async (type, file) => {
    const verifierType = verifierTypes.get(type)!;
    const event = file.replace(/\.json$/, '');
    const at = new Date();
    let rawBody: Buffer = readFileSync(path.join(SAMPLES, type, file));
    rawBody = verifierType.freshSample?.(rawBody, at) ?? rawBody;
    rawBody = verifierType.timestamp?.stampBody?.(rawBody, at) ?? rawBody;
    const options = verifierType.example.options;
    const secret = fixtureFor(type).secrets[0] ?? '';
    const signed = await signRequestFor(options, { rawBody, secret, timestamp: at, eventType: event, deliveryId: 'sample-1' });
    const req = toRequest({ 'content-type': 'application/json', ...signed.headers }, signed.rawBody, at, signed.query);
    const verifier = createVerifier(options);
    await expect(verifier.verify(req)).resolves.toBeUndefined();
    const n = verifier.normalize(req, parseBody(req.rawBody, req.headers['content-type']));
    expect(event.startsWith(n.eventType)).toBe(true);
    expect(n.eventType).not.toBe('');
  });
});
