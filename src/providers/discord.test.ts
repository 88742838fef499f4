import { generateKeyPairSync, sign } from 'node:crypto';
import { verifyKey } from 'discord-interactions';
import { describe, expect, it } from 'vitest';
import { MINUTE, refusal, request, sample, tampered, withHeader } from '../../test/support/provider-test-kit.ts';
import { discordVerifier } from './discord.ts';

const SPKI_PREFIX_BYTES = 12;
const PKCS8_PREFIX_BYTES = 16;

function keyPair() {
  const pair = generateKeyPairSync('ed25519');
  return {
    pair,
    publicHex: pair.publicKey.export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX_BYTES).toString('hex'),
    seedHex: pair.privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_PREFIX_BYTES).toString('hex'),
  };
}

/** Discord's documented signature, made with node:crypto: Ed25519 over timestamp + body, hex. */
function discordHeaders(body: Buffer, key: ReturnType<typeof keyPair>, when = new Date()): Record<string, string> {
  const timestamp = String(Math.floor(when.getTime() / 1000));
  return {
    'X-Signature-Ed25519': sign(null, Buffer.concat([Buffer.from(timestamp), body]), key.pair.privateKey).toString('hex'),
    'X-Signature-Timestamp': timestamp,
  };
}

describe('discord verifier', () => {
  it('discord-interactions accepts what hookgate signs, and hookgate accepts a node:crypto signature', async () => {
    const key = keyPair();
    const body = await sample('discord', 'APPLICATION_AUTHORIZED');
    const options = { type: 'discord', publicKey: key.publicHex };
    const headers = await discordVerifier.sign(options, { rawBody: body, secret: key.seedHex });
    expect(await verifyKey(body, headers['x-signature-ed25519']!, headers['x-signature-timestamp']!, key.publicHex)).toBe(true);
    expect(
      await verifyKey(
        Buffer.concat([body, Buffer.from(' ')]),
        headers['x-signature-ed25519']!,
        headers['x-signature-timestamp']!,
        key.publicHex,
      ),
    ).toBe(false);
    const verifier = discordVerifier.create(options);
    const req = request({ headers: discordHeaders(body, key), body });
    await expect(verifier.verify(req)).resolves.toBeUndefined();
    expect(verifier.normalize(req, JSON.parse(body.toString())).eventType).toBe('APPLICATION_AUTHORIZED');
    expect(verifier.handshake?.(req, JSON.parse(body.toString()))).toBeUndefined();
  });

  it('answers an interaction PING with {"type":1} and a webhook-event PING with 204', async () => {
    const key = keyPair();
    const verifier = discordVerifier.create({ type: 'discord', publicKey: key.publicHex });
    const ping = await sample('discord', 'PING');
    await verifier.verify(request({ headers: discordHeaders(ping, key), body: ping }));
    expect(verifier.handshake?.(request({ headers: {}, body: ping }), JSON.parse(ping.toString()))).toEqual({
      status: 200,
      contentType: 'application/json',
      body: '{"type":1}',
    });
    const eventPing = { version: 1, application_id: '1234560123453231555', type: 0 };
    expect(verifier.handshake?.(request({ headers: {}, body: '' }), eventPing)).toMatchObject({ status: 204, body: '' });
    const command = { id: '99', type: 2, data: { name: 'deploy' } };
    expect(verifier.handshake?.(request({ headers: {}, body: '' }), command)).toBeUndefined();
    expect(verifier.normalize(request({ headers: {}, body: '' }), command)).toEqual({ eventType: 'APPLICATION_COMMAND', dedupKey: '99' });
  });

  it('refuses with 401: another key, altered body, malformed, missing, stale and future-dated', async () => {
    const key = keyPair();
    const other = keyPair();
    const body = await sample('discord', 'PING');
    const verifier = discordVerifier.create({ type: 'discord', publicKey: key.publicHex });
    const now = new Date();
    const good = request({ headers: discordHeaders(body, key, now), body, receivedAt: now });
    const cases = [
      ['SIGNATURE_INVALID', request({ headers: discordHeaders(body, other, now), body, receivedAt: now })],
      ['SIGNATURE_INVALID', tampered(good)],
      ['SIGNATURE_MALFORMED', withHeader(good, 'x-signature-ed25519', 'abcd')],
      ['SIGNATURE_MISSING', withHeader(good, 'x-signature-ed25519', undefined)],
      ['TIMESTAMP_MISSING', withHeader(good, 'x-signature-timestamp', undefined)],
      [
        'TIMESTAMP_OUT_OF_TOLERANCE',
        request({ headers: discordHeaders(body, key, new Date(now.getTime() - 6 * MINUTE)), body, receivedAt: now }),
      ],
      [
        'TIMESTAMP_OUT_OF_TOLERANCE',
        request({ headers: discordHeaders(body, key, new Date(now.getTime() + 6 * MINUTE)), body, receivedAt: now }),
      ],
    ] as const;
    for (const [code, req] of cases) {
      const error = await refusal(verifier, req);
      expect(error.code).toBe(code);
      expect(error.status).toBe(401);
    }
  });

  it('accepts either key of a rotation list; throwaway keys sign for their own options', async () => {
    const current = keyPair();
    const old = keyPair();
    const body = await sample('discord', 'PING');
    const verifier = discordVerifier.create({ type: 'discord', publicKey: [current.publicHex, old.publicHex] });
    for (const key of [current, old])
      await expect(verifier.verify(request({ headers: discordHeaders(body, key), body }))).resolves.toBeUndefined();
    const throwaway = discordVerifier.throwawayKeys!({ type: 'discord', publicKey: current.publicHex });
    const headers = await discordVerifier.sign(throwaway.options, { rawBody: body, secret: throwaway.signingSecret });
    await expect(discordVerifier.create(throwaway.options).verify(request({ headers, body }))).resolves.toBeUndefined();
    expect(() => discordVerifier.create({ type: 'discord', publicKey: 'xyz' })).toThrow(/verify.publicKey/);
  });
});
