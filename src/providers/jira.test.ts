import { createHmac } from 'node:crypto';
import { describe, it } from 'vitest';
import { presetCases } from '../../test/support/provider-test-kit.ts';
import { jiraVerifier } from './jira.ts';

describe('jira verifier', () => {
  for (const [name, run] of presetCases({
    verifier: jiraVerifier,
    options: { type: 'jira', secrets: ['jira-secret-1', 'jira-secret-2'] },
    secrets: ['jira-secret-1', 'jira-secret-2'],
    providerHeaders: (body, secret) => ({ 'X-Hub-Signature': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` }),
    credentialHeader: 'x-hub-signature',
    signsBody: true,
    timestamped: false,
    sample: ['jira', 'issue_created'],
    sampleHeaders: { 'X-Atlassian-Webhook-Identifier': '1764527408917-42' },
    expected: { eventType: 'issue_created', dedupKey: '1764527408917-42' },
  })) {
    it(name, run);
  }
});
