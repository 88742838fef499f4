import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { presetCases } from '../../test/support/provider-test-kit.ts';
import { bitbucketVerifier } from './bitbucket.ts';

describe('bitbucket verifier', () => {
  for (const [name, run] of presetCases({
    verifier: bitbucketVerifier,
    options: { type: 'bitbucket', secrets: ['bitbucket-secret-1', 'bitbucket-secret-2'] },
    secrets: ['bitbucket-secret-1', 'bitbucket-secret-2'],
    providerHeaders: (body, secret) => ({ 'X-Hub-Signature': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` }),
    credentialHeader: 'x-hub-signature',
    signsBody: true,
    timestamped: false,
    sample: ['bitbucket', 'pullrequest.created'],
    sampleHeaders: { 'X-Event-Key': 'pullrequest:created', 'X-Request-UUID': 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d' },
    expected: { eventType: 'pullrequest.created', dedupKey: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d' },
  })) {
    it(name, run);
  }
});

describe('bitbucket preset details', () => {
  it('sign() sends the event key with a colon and the request id', async () => {
    const headers = await bitbucketVerifier.sign(
      { type: 'bitbucket', secret: 's' },
      { rawBody: Buffer.from('{}'), secret: 's', eventType: 'repo.push', deliveryId: 'r-1' },
    );
    expect(headers['x-event-key']).toBe('repo:push');
    expect(headers['x-request-uuid']).toBe('r-1');
  });
});
