import { describe, it } from 'vitest';
import { presetCases } from '../../test/support/provider-test-kit.ts';
import { datadogVerifier } from './datadog.ts';

describe('datadog verifier', () => {
  for (const [name, run] of presetCases({
    verifier: datadogVerifier,
    options: { type: 'datadog', secrets: ['datadog-token-1', 'datadog-token-2'] },
    secrets: ['datadog-token-1', 'datadog-token-2'],
    providerHeaders: (_body, secret) => ({ Authorization: `Bearer ${secret}` }),
    credentialHeader: 'authorization',
    signsBody: false,
    timestamped: false,
    sample: ['datadog', 'query_alert_monitor'],
    expected: { eventType: 'query_alert_monitor', dedupKey: '7842923495209832751' },
  })) {
    it(name, run);
  }
});
