import { createHmac } from 'node:crypto';
import { describe, it } from 'vitest';
import { presetCases } from '../../test/support/provider-test-kit.ts';
import { vercelVerifier } from './vercel.ts';

describe('vercel verifier', () => {
  for (const [name, run] of presetCases({
    verifier: vercelVerifier,
    options: { type: 'vercel', secrets: ['vercel-secret-1', 'vercel-secret-2'] },
    secrets: ['vercel-secret-1', 'vercel-secret-2'],
    providerHeaders: (body, secret) => ({ 'x-vercel-signature': createHmac('sha1', secret).update(body).digest('hex') }),
    credentialHeader: 'x-vercel-signature',
    signsBody: true,
    timestamped: false,
    sample: ['vercel', 'deployment.succeeded'],
    expected: { eventType: 'deployment.succeeded', dedupKey: 'evt_1pV6EvV5R3kEXeH7bgp7xSq9' },
  })) {
    it(name, run);
  }
});
