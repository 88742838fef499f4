import { describe, expect, it } from 'vitest';
import { SetupError } from '../errors.ts';
import { VERIFY_OPTION_SCHEMAS } from './options.ts';
import { createVerifier, getVerifierType, secretHeadersFor, signFor, verifierTypes } from './registry.ts';
import { fixtureFor } from './test-request.ts';

const NAMES = ['stripe', 'github', 'sentry', 'standard-webhooks', 'slack', 'shopify', 'hmac', 'token', 'basic', 'none'];

describe('verifier registry', () => {
  it('holds exactly the ten built-in types, keyed by their own name', () => {
    expect([...verifierTypes.keys()].sort()).toEqual([...NAMES].sort());
    for (const [name, verifierType] of verifierTypes) expect(verifierType.type).toBe(name);
  });

  it.each(NAMES)('%s: schema and description come from VERIFY_OPTION_SCHEMAS', (name) => {
    const verifierType = getVerifierType(name);
    expect(verifierType?.optionsSchema).toBe(VERIFY_OPTION_SCHEMAS[name]);
    expect(verifierType?.description).toBe(VERIFY_OPTION_SCHEMAS[name]?.description);
    expect(Object.keys(VERIFY_OPTION_SCHEMAS).sort()).toEqual([...NAMES].sort());
  });

  it.each(NAMES)('%s: createVerifier builds a verifier of that type', (name) => {
    expect(createVerifier(fixtureFor(name).options).type).toBe(name);
  });

  it('returns undefined for an unknown name', () => {
    expect(getVerifierType('paypal')).toBeUndefined();
  });

  it('refuses an unknown type with a SetupError that lists the known ones', async () => {
    expect(() => createVerifier({ type: 'paypal' })).toThrow(SetupError);
    expect(() => createVerifier({ type: 'paypal' })).toThrow(/unknown verifier type "paypal".*stripe/);
    expect(() => secretHeadersFor({ type: 'paypal' })).toThrow(SetupError);
    await expect(signFor({ type: 'paypal' }, { rawBody: Buffer.from(''), secret: 's' })).rejects.toBeInstanceOf(SetupError);
  });

  it('secretHeadersFor answers per type', () => {
    expect(secretHeadersFor({ type: 'basic', username: 'u', secret: 's' })).toEqual(['authorization']);
    expect(secretHeadersFor({ type: 'token', header: 'X-Gitlab-Token', secret: 's' })).toEqual(['x-gitlab-token']);
    expect(secretHeadersFor({ type: 'standard-webhooks', secret: 's' })).toEqual(['webhook-signature', 'svix-signature']);
  });
});
