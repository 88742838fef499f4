import { describe, it } from 'vitest';
import { STANDARD_WEBHOOKS_ID as ID, presetCases, standardWebhooksHeaders, whsec } from '../../test/support/provider-test-kit.ts';
import { resendVerifier } from './resend.ts';

describe('resend verifier', () => {
  for (const [name, run] of presetCases({
    verifier: resendVerifier,
    options: { type: 'resend', secrets: [whsec('resend-secret-1'), whsec('resend-secret-2')] },
    secrets: [whsec('resend-secret-1'), whsec('resend-secret-2')],
    providerHeaders: (body, secret, when) => standardWebhooksHeaders('svix', body, secret, when),
    wrongSecret: whsec('a-wrong-secret'),
    credentialHeader: 'svix-signature',
    signsBody: true,
    timestamped: true,
    sample: ['resend', 'email.delivered'],
    expected: { eventType: 'email.delivered', dedupKey: ID },
  })) {
    it(name, run);
  }
});
