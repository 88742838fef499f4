import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { refusal, request, sample, tampered, withHeader } from '../../test/support/provider-test-kit.ts';
import { netlifyVerifier } from './netlify.ts';

/**
 * jsonwebtoken, the library Netlify's own examples verify with, comes with the twilio SDK but
 * without type declarations: the two calls used here, typed by hand.
 */
interface JsonWebToken {
  sign(payload: object, secret: string, options: { algorithm: 'HS256' | 'none'; noTimestamp?: boolean }): string;
  verify(token: string, secret: string, options: { issuer: string; algorithms: string[] }): unknown;
}
const jwt = createRequire(import.meta.url)('jsonwebtoken') as JsonWebToken;

const SECRETS = ['netlify-jws-secret-current', 'netlify-jws-secret-previous'];
const options = { type: 'netlify', secrets: SECRETS };

function netlifyToken(body: Buffer, secret: string, claims: Record<string, unknown> = {}): string {
  return jwt.sign({ iss: 'netlify', sha256: createHash('sha256').update(body).digest('hex'), ...claims }, secret, {
    algorithm: 'HS256',
    noTimestamp: true,
  });
}

describe('netlify verifier', () => {
  it('accepts a JWS made by jsonwebtoken with either secret, and normalizes a deploy', async () => {
    const body = await sample('netlify', 'deploy.ready');
    const verifier = netlifyVerifier.create(options);
    for (const secret of SECRETS) {
      await expect(
        verifier.verify(request({ headers: { 'X-Webhook-Signature': netlifyToken(body, secret) }, body })),
      ).resolves.toBeUndefined();
    }
    expect(verifier.normalize(request({ headers: {}, body }), JSON.parse(body.toString()))).toEqual({
      eventType: 'deploy.ready',
      dedupKey: '6749f2d3c1a2b3000812d4e5:ready',
    });
  });

  it("jsonwebtoken verifies what hookgate's sign() produces, with Netlify's issuer and body hash", async () => {
    const body = await sample('netlify', 'deploy.ready');
    const headers = await netlifyVerifier.sign(options, { rawBody: body, secret: SECRETS[0]! });
    const claims = jwt.verify(headers['x-webhook-signature']!, SECRETS[0]!, { issuer: 'netlify', algorithms: ['HS256'] });
    expect(claims).toEqual({ iss: 'netlify', sha256: createHash('sha256').update(body).digest('hex') });
  });

  it('refuses a forged token, an altered body, another issuer, the none algorithm and a malformed token', async () => {
    const body = await sample('netlify', 'deploy.ready');
    const verifier = netlifyVerifier.create(options);
    const good = request({ headers: { 'x-webhook-signature': netlifyToken(body, SECRETS[0]!) }, body });
    const h = 'x-webhook-signature';
    expect((await refusal(verifier, withHeader(good, h, netlifyToken(body, 'forged')))).code).toBe('SIGNATURE_INVALID');
    expect((await refusal(verifier, tampered(good))).code).toBe('SIGNATURE_INVALID');
    expect((await refusal(verifier, withHeader(good, h, netlifyToken(body, SECRETS[0]!, { iss: 'someone-else' })))).code).toBe(
      'SIGNATURE_INVALID',
    );
    const unsigned = jwt.sign({ iss: 'netlify', sha256: createHash('sha256').update(body).digest('hex') }, '', {
      algorithm: 'none',
      noTimestamp: true,
    });
    expect((await refusal(verifier, withHeader(good, h, `${unsigned}x`))).code).toBe('SIGNATURE_MALFORMED');
    expect((await refusal(verifier, withHeader(good, h, 'a.b'))).code).toBe('SIGNATURE_MALFORMED');
    expect((await refusal(verifier, withHeader(good, h, undefined))).code).toBe('SIGNATURE_MISSING');
  });
});
