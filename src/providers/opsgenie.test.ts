import { describe, it } from 'vitest';
import { presetCases, sampleSha256 } from '../../test/support/provider-test-kit.ts';
import { opsgenieVerifier } from './opsgenie.ts';

describe('opsgenie verifier', () => {
  for (const [name, run] of presetCases({
    verifier: opsgenieVerifier,
    options: { type: 'opsgenie', secrets: ['opsgenie-token-1', 'opsgenie-token-2'] },
    secrets: ['opsgenie-token-1', 'opsgenie-token-2'],
    providerHeaders: (_body, secret) => ({ Authorization: `Bearer ${secret}` }),
    credentialHeader: 'authorization',
    signsBody: false,
    timestamped: false,
    sample: ['opsgenie', 'Create'],
    expected: { eventType: 'Create', dedupKey: sampleSha256('opsgenie', 'Create') },
  })) {
    it(name, run);
  }
});
