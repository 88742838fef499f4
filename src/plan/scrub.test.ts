import { describe, expect, it } from 'vitest';
import { MISSING_SECRET_PLACEHOLDER } from '../config/secrets.ts';
import type { RoutesFile } from '../config/types.ts';
import { REDACTED, Scrubber, secretValues } from './scrub.ts';

const config = {
  version: 1,
  providers: {
    a: { verify: { type: 'hmac', header: 'x-sig', secret: 'provider-secret-1', secrets: ['rotated-secret-2', ''] } },
    b: { verify: { type: 'stripe', secret: MISSING_SECRET_PLACEHOLDER } },
  },
  targets: {
    r: { routine: { url: 'https://example.com/fire', token: 'sk-ant-oat01-routine-token' } },
    h: {
      url: 'https://example.com',
      auth: { basic: { username: 'u', password: 'basic-password-3' } },
      headers: { 'x-api-key': 'api-key-value-4', 'x-team': 'growth' },
    },
    t: { url: 'https://example.com', auth: { bearer: 'bearer-token-5' } },
  },
  routes: [],
} as unknown as RoutesFile;

describe('secret values of a config', () => {
  it('takes provider secrets, routine tokens, bearer tokens, passwords and header values, not placeholders or short values', () => {
    expect(secretValues(config).sort()).toEqual(
      [
        'api-key-value-4',
        'basic-password-3',
        'bearer-token-5',
        'provider-secret-1',
        'rotated-secret-2',
        'sk-ant-oat01-routine-token',
      ].sort(),
    );
  });
});

describe('Scrubber', () => {
  const scrubber = new Scrubber(secretValues(config));

  it('drops every header a verifier type treats as a credential and redacts secret values in the others', () => {
    const { value, replaced } = scrubber.headers({
      'stripe-signature': 't=1,v1=abc',
      'x-hub-signature-256': 'sha256=abc',
      authorization: 'Bearer x',
      'x-echo': 'token=provider-secret-1',
      'content-type': 'application/json',
    });
    expect(value).toEqual({ 'x-echo': `token=${REDACTED}`, 'content-type': 'application/json' });
    expect(replaced).toBe(1);
  });

  it('replaces every occurrence in text and in raw bytes, leaving other bytes exactly as they were', () => {
    expect(scrubber.text('a bearer-token-5 b bearer-token-5').value).toBe(`a ${REDACTED} b ${REDACTED}`);
    const raw = Buffer.concat([Buffer.from([0xff, 0x01]), Buffer.from('sk-ant-oat01-routine-token'), Buffer.from([0x02])]);
    const { value, replaced } = scrubber.bytes(raw);
    expect(replaced).toBe(1);
    expect(value.equals(Buffer.concat([Buffer.from([0xff, 0x01]), Buffer.from(REDACTED), Buffer.from([0x02])]))).toBe(true);
    const clean = Buffer.from('{"nothing":"secret"}');
    expect(scrubber.bytes(clean).value.equals(clean)).toBe(true);
  });
});
