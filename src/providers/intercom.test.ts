import { createHmac } from 'node:crypto';
import { describe, it } from 'vitest';
import { presetCases } from '../../test/support/provider-test-kit.ts';
import { intercomVerifier } from './intercom.ts';

describe('intercom verifier', () => {
  for (const [name, run] of presetCases({
    verifier: intercomVerifier,
    options: { type: 'intercom', secrets: ['intercom-client-secret-1', 'intercom-client-secret-2'] },
    secrets: ['intercom-client-secret-1', 'intercom-client-secret-2'],
    providerHeaders: (body, secret) => ({ 'X-Hub-Signature': `sha1=${createHmac('sha1', secret).update(body).digest('hex')}` }),
    credentialHeader: 'x-hub-signature',
    signsBody: true,
    timestamped: false,
    sample: ['intercom', 'conversation.user.created'],
    expected: { eventType: 'conversation.user.created', dedupKey: 'notif_ccd8a4d2-f2d5-4f9a-9b3e-0c7b1a2d3e4f' },
  })) {
    it(name, run);
  }
});
