import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { SetupError } from '../errors.ts';
import { outgoingSigner } from './sign.ts';

const SECRET = `whsec_${Buffer.from('router-signing-secret-for-tests').toString('base64')}`;
const body = Buffer.from('{"text":"hello"}');

describe('outgoing request signing', () => {
  it('standard-webhooks: the standardwebhooks library verifies what the router sends, with the delivery key as message id', async () => {
    const at = new Date();
    const headers = await outgoingSigner({ type: 'standard-webhooks', secret: SECRET })(body, 'dlv_key_1', at);
    expect(headers['webhook-id']).toBe('dlv_key_1');
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(at.getTime() / 1000)));
    expect(new Webhook(SECRET).verify(body, headers)).toEqual({ text: 'hello' });
    expect(() => new Webhook(SECRET).verify(Buffer.from('{"text":"other"}'), headers)).toThrow();
  });

  it('signs each attempt at its own time, so a retry much later is still within a receiver tolerance', async () => {
    const signer = outgoingSigner({ type: 'standard-webhooks', secrets: [SECRET] });
    const later = new Date(Date.now() + 3 * 3_600_000);
    const first = await signer(body, 'dlv_key_1', new Date());
    const retry = await signer(body, 'dlv_key_1', later);
    expect(retry['webhook-id']).toBe(first['webhook-id']);
    expect(retry['webhook-timestamp']).not.toBe(first['webhook-timestamp']);
  });

  it('hmac: a generic block signs the body as configured', async () => {
    const headers = await outgoingSigner({ type: 'hmac', header: 'X-Router-Signature', prefix: 'sha256=', secret: 'plain-secret' })(
      body,
      'k',
      new Date(),
    );
    expect(headers).toEqual({ 'x-router-signature': `sha256=${createHmac('sha256', 'plain-secret').update(body).digest('hex')}` });
  });

  it.each([
    [{ type: 'none' }, /signs nothing/],
    [{ type: 'mailgun', secret: 's' }, /cannot sign outgoing requests/],
    [{ type: 'discord', publicKey: 'a'.repeat(64), secret: 's' }, /cannot sign outgoing requests/],
    [{ type: 'standard-webhooks' }, /needs at least one non-empty secret/],
    [{ type: 'standard-webhooks', secret: 'not-whsec' }, /whsec_|base64/],
    [{ type: 'nope', secret: 's' }, /unknown verifier type/],
  ])('refuses %o at load', (block, message) => {
    expect(() => outgoingSigner(block)).toThrow(SetupError);
    expect(() => outgoingSigner(block)).toThrow(message);
  });
});
