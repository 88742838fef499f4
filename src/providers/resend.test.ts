import { Webhook } from 'standardwebhooks';

const whsec = (seed: string) => `whsec_${Buffer.from(seed).toString('base64')}`;
const ID = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
/** The standardwebhooks library signs as Svix and incident.io do. */
function swHeaders(prefix: string, body: Buffer, secret: string, when: Date): Record<string, string> {
  return {
    [`${prefix}-id`]: ID,
    [`${prefix}-timestamp`]: String(Math.floor(when.getTime() / 1000)),
    [`${prefix}-signature`]: new Webhook(secret).sign(ID, when, body),
  };
}

import { describe, it } from 'vitest';
import { presetCases } from './provider-test-kit.ts';
import { resendVerifier } from './resend.ts';

describe('resend verifier', () => {
  for (const [name, run] of presetCases({
    verifier: resendVerifier,
    options: { type: 'resend', secrets: [whsec('resend-secret-1'), whsec('resend-secret-2')] },
    secrets: [whsec('resend-secret-1'), whsec('resend-secret-2')],
    providerHeaders: (body, secret, when) => swHeaders('svix', body, secret, when),
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
