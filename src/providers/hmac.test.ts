import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toRequest } from '../../test/support/verifier-request.ts';
import { SetupError } from '../errors.ts';
import { hmacVerifier } from './hmac.ts';
import { sha256Hex } from './hmac-core.ts';
import type { VerifyOptionsBase } from './types.ts';

const BODY = '{"type":"invoice.paid","amount":4200}';
const SECRET = 'HMAC-variant-secret-8c8c';

describe('hmac verifier', () => {
  it.each([
    { algorithm: 'sha1', encoding: 'hex', prefix: '' },
    { algorithm: 'sha256', encoding: 'hex', prefix: 'sha256=' },
    { algorithm: 'sha256', encoding: 'base64', prefix: '' },
    { algorithm: 'sha512', encoding: 'base64', prefix: 'v1=' },
    { algorithm: 'sha512', encoding: 'hex', prefix: 'sha512=' },
  ] as const)('verifies $algorithm/$encoding with prefix "$prefix" signed by node:crypto', async (v) => {
    const options: VerifyOptionsBase = { type: 'hmac', header: 'X-Billing-Signature', secret: SECRET, ...v };
    const signature = v.prefix + createHmac(v.algorithm, SECRET).update(BODY).digest(v.encoding);
    const verifier = hmacVerifier.create(options);
    await expect(verifier.verify(toRequest({ 'x-billing-signature': signature }, BODY))).resolves.toBeUndefined();
    const other = v.prefix + createHmac(v.algorithm, 'another').update(BODY).digest(v.encoding);
    await expect(verifier.verify(toRequest({ 'x-billing-signature': other }, BODY))).rejects.toThrow(
      'signature does not match: X-Billing-Signature',
    );
    expect(await hmacVerifier.sign(options, { rawBody: Buffer.from(BODY), secret: SECRET })).toEqual({ 'x-billing-signature': signature });
  });

  it('defaults to sha256, hex, no prefix', async () => {
    const verifier = hmacVerifier.create({ type: 'hmac', header: 'x-sig', secret: SECRET });
    const signature = createHmac('sha256', SECRET).update(BODY).digest('hex');
    await expect(verifier.verify(toRequest({ 'x-sig': signature.toUpperCase() }, BODY))).resolves.toBeUndefined();
  });

  it.each([
    ['missing prefix', 'abc'],
    ['right prefix, wrong length', 'sha256=abcdef'],
    ['right prefix, not hex', `sha256=${'z'.repeat(64)}`],
  ])('refuses a malformed signature (%s) naming the header', async (_name, value) => {
    const verifier = hmacVerifier.create({ type: 'hmac', header: 'X-Signature', prefix: 'sha256=', secret: SECRET });
    await expect(verifier.verify(toRequest({ 'x-signature': value }, BODY))).rejects.toMatchObject({
      code: 'SIGNATURE_MALFORMED',
      message: 'malformed signature header: X-Signature',
    });
  });

  it.each([
    [{ type: 'hmac', secret: 's' }, /verify\.header/],
    [{ type: 'hmac', header: 'x', secret: 's', algorithm: 'md5' }, /verify\.algorithm/],
    [{ type: 'hmac', header: 'x', secret: 's', encoding: 'base32' }, /verify\.encoding/],
    [{ type: 'hmac', header: 'x' }, /non-empty secret/],
  ])('create() refuses %j with a SetupError', (options, message) => {
    expect(() => hmacVerifier.create(options)).toThrow(SetupError);
    expect(() => hmacVerifier.create(options)).toThrow(message);
  });

  it('lists the configured header, lower-cased, as secret', () => {
    expect(hmacVerifier.secretHeaders({ type: 'hmac', header: 'X-Signature', secret: 's' })).toEqual(['x-signature']);
  });

  it('normalizes to body type and the raw-body hash', () => {
    const n = hmacVerifier.create({ type: 'hmac', header: 'x', secret: 's' }).normalize(toRequest({}, BODY), JSON.parse(BODY));
    expect(n).toEqual({ eventType: 'invoice.paid', dedupKey: sha256Hex(BODY) });
    expect(hmacVerifier.create({ type: 'hmac', header: 'x', secret: 's' }).normalize(toRequest({}, '[]'), [])).toEqual({
      eventType: '',
      dedupKey: sha256Hex('[]'),
    });
  });
});
