import { describe, it } from 'vitest';
import { presetCases, sampleSha256 } from '../../test/support/provider-test-kit.ts';
import { honeycombVerifier } from './honeycomb.ts';

describe('honeycomb verifier', () => {
  for (const [name, run] of presetCases({
    verifier: honeycombVerifier,
    options: { type: 'honeycomb', secrets: ['honeycomb-token-1', 'honeycomb-token-2'] },
    secrets: ['honeycomb-token-1', 'honeycomb-token-2'],
    providerHeaders: (_body, secret) => ({ 'X-Honeycomb-Webhook-Token': `${secret}` }),
    credentialHeader: 'x-honeycomb-webhook-token',
    signsBody: false,
    timestamped: false,
    sample: ['honeycomb', 'triggered'],
    expected: { eventType: 'triggered', dedupKey: sampleSha256('honeycomb', 'triggered') },
  })) {
    it(name, run);
  }
});
