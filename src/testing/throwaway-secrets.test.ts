import { describe, expect, it } from 'vitest';
import { toRequest } from '../../test/support/verifier-request.ts';
import { createVerifier, signFor } from '../providers/registry.ts';
import { throwawaySecrets } from './throwaway-secrets.ts';

describe('throwawaySecrets', () => {
  it.each([
    [{ type: 'stripe', secret: 'real-one' }],
    [{ type: 'standard-webhooks', secrets: ['whsec_cmVhbA=='] }],
    [{ type: 'linear', secret: 'real-one' }],
    [{ type: 'basic', username: 'ci', secret: 'real-one' }],
  ])('gives %o a fresh credential that verifies, and a wrong one of the same kind that does not', async (verify) => {
    const secrets = throwawaySecrets();
    const options = secrets.override('p', verify);
    expect(JSON.stringify(options)).not.toContain('real-one');
    const secret = secrets.secretOf('p')!;
    const wrong = secrets.wrongSecretOf('p');
    expect(wrong).not.toBe(secret);
    const at = new Date();
    const body = Buffer.from(JSON.stringify({ type: 'x', webhookTimestamp: at.getTime() }));
    const verifier = createVerifier(options);
    const good = await signFor(options, { rawBody: body, secret, timestamp: at });
    await expect(verifier.verify(toRequest(good, body, at))).resolves.toBeUndefined();
    const bad = await signFor(options, { rawBody: body, secret: wrong, timestamp: at });
    await expect(verifier.verify(toRequest(bad, body, at))).rejects.toMatchObject({ code: expect.stringMatching(/_INVALID$/) });
  });

  it('leaves a none provider as it is, with no secret', () => {
    const secrets = throwawaySecrets();
    expect(secrets.override('p', { type: 'none' })).toEqual({ type: 'none' });
    expect(secrets.secretOf('p')).toBeUndefined();
  });
});
