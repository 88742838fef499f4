import { describe, it } from 'vitest';
import { presetCases, sampleSha256 } from '../../test/support/provider-test-kit.ts';
import { cloudflareVerifier } from './cloudflare.ts';

describe('cloudflare verifier', () => {
  for (const [name, run] of presetCases({
    verifier: cloudflareVerifier,
    options: { type: 'cloudflare', secrets: ['cloudflare-token-1', 'cloudflare-token-2'] },
    secrets: ['cloudflare-token-1', 'cloudflare-token-2'],
    providerHeaders: (_body, secret) => ({ 'cf-webhook-auth': `${secret}` }),
    credentialHeader: 'cf-webhook-auth',
    signsBody: false,
    timestamped: false,
    sample: ['cloudflare', 'universal_ssl_event_type'],
    expected: { eventType: 'universal_ssl_event_type', dedupKey: sampleSha256('cloudflare', 'universal_ssl_event_type') },
  })) {
    it(name, run);
  }
});
