import { describe, expect, it } from 'vitest';
import { toRequest } from '../../test/support/verifier-request.ts';
import { SetupError } from '../errors.ts';
import { sha256Hex } from './hmac-core.ts';
import { tokenVerifier } from './token.ts';

const BEARER = { type: 'token', header: 'Authorization', prefix: 'Bearer ', secrets: ['TOKEN-one-7e7e', 'TOKEN-two-8f8f'] };

describe('token verifier', () => {
  it.each(['TOKEN-one-7e7e', 'TOKEN-two-8f8f'])('accepts "Bearer %s"', async (token) => {
    await expect(tokenVerifier.create(BEARER).verify(toRequest({ authorization: `Bearer ${token}` }, '{}'))).resolves.toBeUndefined();
  });

  it.each([
    ['a token that is a prefix of the secret', 'Bearer TOKEN-one', 'CREDENTIALS_INVALID'],
    ['a token that extends the secret', 'Bearer TOKEN-one-7e7e0', 'CREDENTIALS_INVALID'],
    ['an empty token', 'Bearer ', 'CREDENTIALS_INVALID'],
    ['the wrong scheme', 'Basic TOKEN-one-7e7e', 'SIGNATURE_MALFORMED'],
  ])('refuses %s', async (_name, value, code) => {
    const error = await tokenVerifier
      .create(BEARER)
      .verify(toRequest({ authorization: value }, '{}'))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toMatchObject({ code });
    expect(String(error)).toContain('Authorization');
    expect(String(error)).not.toContain('TOKEN-');
  });

  it('matches the header name case-insensitively', async () => {
    const verifier = tokenVerifier.create({ type: 'token', header: 'X-Gitlab-Token', secret: 'glt-1' });
    await expect(verifier.verify(toRequest({ 'X-GITLAB-TOKEN': 'glt-1' }, '{}'))).resolves.toBeUndefined();
  });

  it('needs a header option', () => {
    expect(() => tokenVerifier.create({ type: 'token', secret: 'x' })).toThrow(SetupError);
  });

  it('sign() puts prefix and secret in the header', async () => {
    expect(await tokenVerifier.sign(BEARER, { rawBody: Buffer.from('{}'), secret: 'abc' })).toEqual({ authorization: 'Bearer abc' });
  });

  it('normalizes to body type and the raw-body hash', () => {
    const n = tokenVerifier.create(BEARER).normalize(toRequest({}, '{"type":"push"}'), { type: 'push' });
    expect(n).toEqual({ eventType: 'push', dedupKey: sha256Hex('{"type":"push"}') });
  });
});
