import { describe, expect, it } from 'vitest';
import { toRequest } from '../../test/support/verifier-request.ts';
import { SetupError } from '../errors.ts';
import { basicVerifier } from './basic.ts';
import { sha256Hex } from './hmac-core.ts';

const OPTIONS = { type: 'basic', username: 'hooks', secrets: ['pa:ss-BASIC-1', 'BASIC-2'] };
const auth = (credentials: string) => ({ Authorization: `Basic ${Buffer.from(credentials).toString('base64')}` });

describe('basic verifier', () => {
  it.each(['hooks:pa:ss-BASIC-1', 'hooks:BASIC-2'])('accepts %s (a colon in the password is kept)', async (credentials) => {
    await expect(basicVerifier.create(OPTIONS).verify(toRequest(auth(credentials), '{}'))).resolves.toBeUndefined();
  });

  it('accepts the scheme name in any case', async () => {
    const value = `basic ${Buffer.from('hooks:BASIC-2').toString('base64')}`;
    await expect(basicVerifier.create(OPTIONS).verify(toRequest({ authorization: value }, '{}'))).resolves.toBeUndefined();
  });

  it.each([
    ['wrong user', auth('other:BASIC-2'), 'CREDENTIALS_INVALID'],
    ['wrong password', auth('hooks:BASIC-3'), 'CREDENTIALS_INVALID'],
    ['no colon', auth('hooksBASIC-2'), 'SIGNATURE_MALFORMED'],
    ['not base64', { authorization: 'Basic ***' }, 'SIGNATURE_MALFORMED'],
    ['bearer scheme', { authorization: 'Bearer BASIC-2' }, 'SIGNATURE_MALFORMED'],
    ['no header', {}, 'SIGNATURE_MISSING'],
  ])('refuses %s, naming Authorization and no secret', async (_name, headers, code) => {
    const error = await basicVerifier
      .create(OPTIONS)
      .verify(toRequest(headers, '{}'))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toMatchObject({ code });
    expect(String(error)).toContain('Authorization');
    expect(String(error)).not.toContain('BASIC-');
  });

  it('needs a username', () => {
    expect(() => basicVerifier.create({ type: 'basic', secret: 'x' })).toThrow(SetupError);
  });

  it('sign() produces Basic credentials for the configured user', async () => {
    const headers = await basicVerifier.sign(OPTIONS, { rawBody: Buffer.from('{}'), secret: 'BASIC-2' });
    expect(headers).toEqual({ authorization: `Basic ${Buffer.from('hooks:BASIC-2').toString('base64')}` });
  });

  it('normalizes to body type and the raw-body hash', () => {
    expect(basicVerifier.create(OPTIONS).normalize(toRequest({}, '{"type":"a"}'), { type: 'a' })).toEqual({
      eventType: 'a',
      dedupKey: sha256Hex('{"type":"a"}'),
    });
  });
});
