import { createHmac } from 'node:crypto';
import { sign as octokitSign } from '@octokit/webhooks-methods';
import { describe, expect, it } from 'vitest';
import { providerFixture } from '../../test/support/provider-fixture.ts';
import { fixtureFor, testRequest, toRequest } from '../../test/support/verifier-request.ts';
import { githubVerifier } from './github.ts';
import { sha256Hex } from './hmac-core.ts';

const fx = fixtureFor('github');

// https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
const VECTOR = {
  secret: "It's a Secret to Everybody",
  body: 'Hello, World!',
  signature: 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
};

describe('github verifier', () => {
  it("verifies GitHub's published test vector", async () => {
    const verifier = githubVerifier.create({ type: 'github', secret: VECTOR.secret });
    const req = toRequest({ 'X-Hub-Signature-256': VECTOR.signature }, VECTOR.body);
    await expect(verifier.verify(req)).resolves.toBeUndefined();
  });

  it("sign() reproduces GitHub's published test vector", async () => {
    const headers = await githubVerifier.sign({ type: 'github' }, { rawBody: Buffer.from(VECTOR.body), secret: VECTOR.secret });
    expect(headers['x-hub-signature-256']).toBe(VECTOR.signature);
  });

  it('accepts upper-case hex', async () => {
    const verifier = githubVerifier.create({ type: 'github', secret: VECTOR.secret });
    const req = toRequest({ 'x-hub-signature-256': `sha256=${VECTOR.signature.slice(7).toUpperCase()}` }, VECTOR.body);
    await expect(verifier.verify(req)).resolves.toBeUndefined();
  });

  it('verifies a real payload signed with octokit', async () => {
    const { raw } = providerFixture('github', 'pull_request.opened.json');
    const signature = await octokitSign(fx.secrets[0]!, raw.toString('utf8'));
    const req = toRequest({ 'x-hub-signature-256': signature, 'x-github-event': 'pull_request' }, raw);
    await expect(githubVerifier.create(fx.options).verify(req)).resolves.toBeUndefined();
  });

  it('ignores the legacy sha1 header: only X-Hub-Signature-256 counts', async () => {
    const req = await testRequest('github').without('x-hub-signature-256').header('x-hub-signature', 'sha1=00').build();
    await expect(githubVerifier.create(fx.options).verify(req)).rejects.toThrow('missing signature header: X-Hub-Signature-256');
  });

  it('refuses a body that is not valid UTF-8 (octokit would decode it lossily)', async () => {
    const raw = Buffer.from([0x7b, 0xfe, 0x7d]);
    const twin = Buffer.from([0x7b, 0xff, 0x7d]); // decodes to the same string
    const signature = await octokitSign(fx.secrets[0]!, raw.toString('utf8'));
    const verifier = githubVerifier.create(fx.options);
    await expect(verifier.verify(toRequest({ 'x-hub-signature-256': signature }, raw))).rejects.toMatchObject({
      code: 'SIGNATURE_INVALID',
    });
    await expect(verifier.verify(toRequest({ 'x-hub-signature-256': signature }, twin))).rejects.toMatchObject({
      code: 'SIGNATURE_INVALID',
    });
  });

  it('refuses an empty body as invalid rather than crashing', async () => {
    // GitHub never sends an empty body; octokit refuses to sign or verify one.
    const signature = `sha256=${createHmac('sha256', fx.secrets[0]!).update('').digest('hex')}`;
    const req = toRequest({ 'x-hub-signature-256': signature }, '');
    await expect(githubVerifier.create(fx.options).verify(req)).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
  });

  it.each([
    ['pull_request.opened.json', 'pull_request', 'pull_request.opened'],
    ['issues.opened.json', 'issues', 'issues.opened'],
    ['push.json', 'push', 'push'],
    ['ping.json', 'ping', 'ping'],
  ])('normalizes %s with X-GitHub-Event %s to %s', (file, event, expected) => {
    const { raw, body } = providerFixture('github', file);
    const req = toRequest({ 'x-github-event': event, 'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958' }, raw);
    expect(githubVerifier.create(fx.options).normalize(req, body)).toEqual({
      eventType: expected,
      dedupKey: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    });
  });

  it('normalizes without the event and delivery headers to ".action" and the body hash', () => {
    const raw = Buffer.from('{"action":"opened"}');
    const n = githubVerifier.create(fx.options).normalize(toRequest({}, raw), { action: 'opened' });
    expect(n).toEqual({ eventType: '.opened', dedupKey: sha256Hex(raw) });
  });

  it('sign() sets the event (first segment) and the delivery id', async () => {
    const headers = await githubVerifier.sign(fx.options, {
      rawBody: Buffer.from('{}'),
      secret: 's',
      eventType: 'pull_request.opened',
      deliveryId: 'd-42',
    });
    expect(headers['x-github-event']).toBe('pull_request');
    expect(headers['x-github-delivery']).toBe('d-42');
    const generated = await githubVerifier.sign(fx.options, { rawBody: Buffer.from('{}'), secret: 's' });
    expect(generated['x-github-delivery']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('lists both signature headers as secret', () => {
    expect(githubVerifier.secretHeaders(fx.options)).toEqual(['x-hub-signature-256', 'x-hub-signature']);
  });
});
