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
import { incidentIoVerifier } from './incident-io.ts';
import { presetCases } from './provider-test-kit.ts';

describe('incident-io verifier', () => {
  for (const [name, run] of presetCases({
    verifier: incidentIoVerifier,
    options: { type: 'incident-io', secrets: [whsec('incident-secret-1'), whsec('incident-secret-2')] },
    secrets: [whsec('incident-secret-1'), whsec('incident-secret-2')],
    providerHeaders: (body, secret, when) => swHeaders('webhook', body, secret, when),
    wrongSecret: whsec('a-wrong-secret'),
    credentialHeader: 'webhook-signature',
    signsBody: true,
    timestamped: true,
    sample: ['incident-io', 'public_incident.incident_created_v2'],
    expected: { eventType: 'public_incident.incident_created_v2', dedupKey: ID },
  })) {
    it(name, run);
  }
});
