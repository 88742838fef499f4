import { describe, expect, it } from 'vitest';
import { VerificationError } from '../errors.ts';
import { createVerifier } from '../providers/registry.ts';
import type { VerifyOptionsBase, WebhookRequest } from '../providers/types.ts';
import { buildRequest, eventTypeOf, stableDeliveryId } from './build-request.ts';
import { CaseError } from './case-error.ts';
import { randomSecret } from './throwaway-secrets.ts';
import type { SignatureMode, TestCase } from './types.ts';

const BODY = Buffer.from('{"id":"evt_1","type":"customer.subscription.created","action":"opened"}');

function testCase(overrides: Partial<TestCase> = {}): TestCase {
  return {
    name: 'case',
    file: '/t/x.test.yaml',
    line: 1,
    col: 1,
    provider: 'p',
    payload: '/t/fixtures/pull_request.opened.json',
    headers: {},
    query: {},
    signature: 'valid',
    expect: { status: 'accepted' },
    ...overrides,
  };
}

async function build(options: VerifyOptionsBase, signature: SignatureMode, overrides: Partial<TestCase> = {}) {
  const secret = options.type === 'none' ? undefined : randomSecret();
  const compiled = secret === undefined ? options : { ...options, secret };
  const verifier = createVerifier(compiled);
  const req = await buildRequest({
    testCase: testCase({ signature, ...overrides }),
    providerName: 'p',
    options: compiled,
    verifier,
    secret,
    wrongSecret: randomSecret(),
    rawBody: BODY,
    receivedAt: new Date(),
  });
  return { req, verifier };
}

async function verdict(verifier: { verify(req: WebhookRequest): Promise<void> }, req: WebhookRequest): Promise<string> {
  try {
    await verifier.verify(req);
    return 'ok';
  } catch (error) {
    if (error instanceof VerificationError) return error.code;
    throw error;
  }
}

describe('buildRequest', () => {
  it.each([
    [{ type: 'stripe' }],
    [{ type: 'github' }],
    [{ type: 'sentry' }],
    [{ type: 'standard-webhooks' }],
    [{ type: 'slack' }],
    [{ type: 'shopify' }],
    [{ type: 'hmac', header: 'x-signature', prefix: 'sha256=' }],
    [{ type: 'token', header: 'x-gitlab-token' }],
    [{ type: 'basic', username: 'ci' }],
    [{ type: 'none' }],
  ])('signs a request that %o accepts, with the exact bytes', async (options) => {
    const { req, verifier } = await build(options, 'valid');
    expect(await verdict(verifier, req)).toBe('ok');
    expect(req.rawBody.equals(BODY)).toBe(true);
    expect(req.method).toBe('POST');
    expect(req.headers['content-type']).toBe('application/json');
  });

  it.each([
    ['stripe', {}],
    ['github', {}],
    ['sentry', {}],
    ['basic', { username: 'ci' }],
    ['mailgun', {}],
    ['twilio', { url: 'https://hooks.example.com/webhooks/p' }],
  ])('signature: invalid and missing are refused by %s', async (type, extra) => {
    const invalid = await build({ type, ...extra }, 'invalid');
    expect(await verdict(invalid.verifier, invalid.req)).toMatch(/SIGNATURE_INVALID|CREDENTIALS_INVALID/);
    const missing = await build({ type, ...extra }, 'missing');
    expect(await verdict(missing.verifier, missing.req)).toBe('SIGNATURE_MISSING');
  });

  it('signature: stale is outside the tolerance for stripe and standard-webhooks', async () => {
    for (const type of ['stripe', 'standard-webhooks']) {
      const { req, verifier } = await build({ type }, 'stale');
      expect(await verdict(verifier, req)).toBe('TIMESTAMP_OUT_OF_TOLERANCE');
    }
  });

  it('linear: writes the signing time into webhookTimestamp, so valid passes and stale is refused as stale', async () => {
    const valid = await build({ type: 'linear' }, 'valid');
    expect(await verdict(valid.verifier, valid.req)).toBe('ok');
    expect(JSON.parse(valid.req.rawBody.toString('utf8'))).toMatchObject({ id: 'evt_1', webhookTimestamp: expect.any(Number) });
    const stale = await build({ type: 'linear' }, 'stale');
    expect(await verdict(stale.verifier, stale.req)).toBe('TIMESTAMP_OUT_OF_TOLERANCE');
  });

  it('signature: stale is a case error for a scheme that checks no timestamp', async () => {
    await expect(build({ type: 'github' }, 'stale')).rejects.toThrow(CaseError);
    await expect(build({ type: 'github' }, 'stale')).rejects.toThrow(/type github\) does not check a signed timestamp/);
  });

  it('a type without a secret cannot be forged', async () => {
    await expect(build({ type: 'none' }, 'invalid')).rejects.toThrow(/signature: invalid needs a verifier with a secret/);
  });

  it('carries the event type from the payload file name, and a stable delivery id', async () => {
    const { req } = await build({ type: 'github' }, 'valid');
    expect(req.headers['x-github-event']).toBe('pull_request');
    expect(req.headers['x-github-delivery']).toBe(stableDeliveryId('p', BODY));
    const sentry = await build({ type: 'sentry' }, 'valid', { event: 'issue.created' });
    expect(sentry.req.headers['sentry-hook-resource']).toBe('issue');
  });

  it("lets the case's headers win, re-signing with a given delivery id", async () => {
    const { req, verifier } = await build({ type: 'standard-webhooks' }, 'valid', {
      headers: { 'webhook-id': 'msg_given', 'content-type': 'application/cloudevents+json', 'x-extra': '1' },
    });
    expect(req.headers['webhook-id']).toBe('msg_given');
    expect(req.headers['content-type']).toBe('application/cloudevents+json');
    expect(req.headers['x-extra']).toBe('1');
    expect(await verdict(verifier, req)).toBe('ok');
  });
});

describe('eventTypeOf', () => {
  it('prefers event:, else the payload base name, else nothing', () => {
    expect(eventTypeOf(testCase({ event: 'issues.opened' }))).toBe('issues.opened');
    expect(eventTypeOf(testCase())).toBe('pull_request.opened');
    const { payload: _payload, ...inline } = testCase();
    expect(eventTypeOf({ ...inline, body: { value: {} } })).toBeUndefined();
  });
});
