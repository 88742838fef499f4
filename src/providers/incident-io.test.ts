import { describe, it } from 'vitest';
import { STANDARD_WEBHOOKS_ID as ID, presetCases, standardWebhooksHeaders, whsec } from '../../test/support/provider-test-kit.ts';
import { incidentIoVerifier } from './incident-io.ts';

describe('incident-io verifier', () => {
  for (const [name, run] of presetCases({
    verifier: incidentIoVerifier,
    options: { type: 'incident-io', secrets: [whsec('incident-secret-1'), whsec('incident-secret-2')] },
    secrets: [whsec('incident-secret-1'), whsec('incident-secret-2')],
    providerHeaders: (body, secret, when) => standardWebhooksHeaders('webhook', body, secret, when),
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
