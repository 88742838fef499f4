import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { toRequest } from '../../test/support/verifier-request.ts';
import { SetupError } from '../errors.ts';
import {
  createVerifier,
  getVerifierType,
  secretHeadersFor,
  signFor,
  signRequestFor,
  throwawayFor,
  verifierTypeNames,
  verifierTypes,
} from './registry.ts';

const FIRST_TEN = ['stripe', 'github', 'sentry', 'standard-webhooks', 'slack', 'shopify', 'hmac', 'token', 'basic', 'none'];
const FOLDER = path.dirname(fileURLToPath(import.meta.url));

describe('verifier registry', () => {
  it('holds the first ten built-in types and the linear preset, each keyed by its own name, sorted', () => {
    for (const name of [...FIRST_TEN, 'linear']) expect(verifierTypes.has(name)).toBe(true);
    for (const [name, verifierType] of verifierTypes) expect(verifierType.type).toBe(name);
    expect(verifierTypeNames()).toEqual([...verifierTypeNames()].sort((a, b) => a.localeCompare(b)));
  });

  it('registers every module of the folder that calls defineVerifier, with no list to edit', () => {
    const defining = readdirSync(FOLDER).filter(
      (file) =>
        file.endsWith('.ts') &&
        !file.includes('.test.') &&
        /^export const \w+ = defineVerifier\(/m.test(readFileSync(path.join(FOLDER, file), 'utf8')),
    );
    expect(defining.length).toBeGreaterThanOrEqual(11);
    expect(verifierTypes.size).toBe(defining.length);
  });

  it('no verifier module imports the registry (it would wait on the registry that is importing it)', () => {
    for (const file of readdirSync(FOLDER).filter((f) => f.endsWith('.ts') && !f.includes('.test.'))) {
      const text = readFileSync(path.join(FOLDER, file), 'utf8');
      if (!/^export const \w+ = defineVerifier\(/m.test(text)) continue;
      expect({ file, importsRegistry: /from '\.\/(registry|redaction|readme-table)\.ts'/.test(text) }).toEqual({
        file,
        importsRegistry: false,
      });
    }
  });

  it('loads under plain Node ESM, from a module of this folder that imports it, without hanging', () => {
    const script = "const m = await import('./src/providers/redaction.ts'); console.log(m.knownSecretHeaders().join(','))";
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: path.resolve(FOLDER, '../..'),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(out.trim().split(',')).toEqual(expect.arrayContaining(['authorization', 'stripe-signature', 'linear-signature']));
  });

  it.each(verifierTypeNames())("%s: its options schema is a closed object whose `type` is the type's name", (name) => {
    const schema = getVerifierType(name)!.optionsSchema as { properties: { type: { const: string } }; additionalProperties: boolean };
    expect(schema.properties.type.const).toBe(name);
    expect(schema.additionalProperties).toBe(false);
  });

  it.each(verifierTypeNames())('%s: createVerifier builds a verifier of that type from its example block', (name) => {
    expect(createVerifier(getVerifierType(name)!.example.options).type).toBe(name);
  });

  it('returns undefined for an unknown name', () => {
    expect(getVerifierType('paypal')).toBeUndefined();
  });

  it('refuses an unknown type with a SetupError that lists the known ones', async () => {
    expect(() => createVerifier({ type: 'paypal' })).toThrow(SetupError);
    expect(() => createVerifier({ type: 'paypal' })).toThrow(/unknown verifier type "paypal".*stripe/);
    expect(() => secretHeadersFor({ type: 'paypal' })).toThrow(SetupError);
    expect(() => throwawayFor({ type: 'paypal' })).toThrow(SetupError);
    await expect(signFor({ type: 'paypal' }, { rawBody: Buffer.from(''), secret: 's' })).rejects.toBeInstanceOf(SetupError);
  });

  it('secretHeadersFor answers per type, following a configured header', () => {
    expect(secretHeadersFor({ type: 'basic', username: 'u', secret: 's' })).toEqual(['authorization']);
    expect(secretHeadersFor({ type: 'token', header: 'X-Gitlab-Token', secret: 's' })).toEqual(['x-gitlab-token']);
    expect(secretHeadersFor({ type: 'standard-webhooks', secret: 's' })).toEqual(['webhook-signature', 'svix-signature']);
  });

  it('throwawayFor replaces every configured secret by one fresh random secret, and signing with it verifies', async () => {
    const block = { type: 'hmac', header: 'X-Sig', secrets: ['old-1', 'old-2'] };
    const first = throwawayFor(block);
    const second = throwawayFor(block);
    expect(first.options).toEqual({ type: 'hmac', header: 'X-Sig', secret: first.signingSecret });
    expect(first.signingSecret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(second.signingSecret).not.toBe(first.signingSecret);
    const rawBody = Buffer.from('{"type":"a"}');
    const headers = await signFor(first.options, { rawBody, secret: first.signingSecret });
    await expect(createVerifier(first.options).verify(toRequest(headers, rawBody))).resolves.toBeUndefined();
    await expect(createVerifier(second.options).verify(toRequest(headers, rawBody))).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
  });

  it('signRequestFor: a type that signs only headers sends the body as given, with no query', async () => {
    const rawBody = Buffer.from('{"action":"opened"}');
    const input = { rawBody, secret: 's', eventType: 'issues.opened', deliveryId: 'd-1' };
    const signed = await signRequestFor({ type: 'github', secret: 's' }, input);
    expect(signed.rawBody).toBe(rawBody);
    expect(signed.query).toBeUndefined();
    expect(signed.headers).toEqual(await signFor({ type: 'github', secret: 's' }, input));
  });
});
