import { describe, it } from 'vitest';
import { STANDARD_WEBHOOKS_ID as ID, presetCases, standardWebhooksHeaders, whsec } from '../../test/support/provider-test-kit.ts';
import { clerkVerifier } from './clerk.ts';

describe('clerk verifier', () => {
  for (const [name, run] of presetCases({
    verifier: clerkVerifier,
    options: { type: 'clerk', secrets: [whsec('clerk-secret-1'), whsec('clerk-secret-2')] },
    secrets: [whsec('clerk-secret-1'), whsec('clerk-secret-2')],
    providerHeaders: (body, secret, when) => standardWebhooksHeaders('svix', body, secret, when),
    wrongSecret: whsec('a-wrong-secret'),
    credentialHeader: 'svix-signature',
    signsBody: true,
    timestamped: true,
    sample: ['clerk', 'user.created'],
    expected: { eventType: 'user.created', dedupKey: ID },
  })) {
    it(name, run);
  }
});
