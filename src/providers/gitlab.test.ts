import { describe, expect, it } from 'vitest';
import { presetCases } from '../../test/support/provider-test-kit.ts';
import { gitlabVerifier } from './gitlab.ts';

describe('gitlab verifier', () => {
  for (const [name, run] of presetCases({
    verifier: gitlabVerifier,
    options: { type: 'gitlab', secrets: ['gitlab-token-current', 'gitlab-token-previous'] },
    secrets: ['gitlab-token-current', 'gitlab-token-previous'],
    providerHeaders: (_body, secret) => ({ 'X-Gitlab-Token': secret }),
    credentialHeader: 'x-gitlab-token',
    signsBody: false,
    timestamped: false,
    sample: ['gitlab', 'merge_request.open'],
    sampleHeaders: { 'X-Gitlab-Event': 'Merge Request Hook', 'Idempotency-Key': 'f2b5e0b8-7c3a-4c1e-9d2f-6a8b9c0d1e2f' },
    expected: { eventType: 'merge_request.open', dedupKey: 'f2b5e0b8-7c3a-4c1e-9d2f-6a8b9c0d1e2f' },
  })) {
    it(name, run);
  }
});

describe('gitlab preset details', () => {
  it('takes another header when the options name one, and sign() sends the event header and delivery ids', async () => {
    const { request } = await import('../../test/support/provider-test-kit.ts');
    const custom = { type: 'gitlab', secret: 'tok', header: 'X-Hook-Token' };
    await gitlabVerifier.create(custom).verify(request({ headers: { 'X-Hook-Token': 'tok' }, body: '{}' }));
    const headers = await gitlabVerifier.sign(
      { type: 'gitlab', secret: 'tok' },
      { rawBody: Buffer.from('{}'), secret: 'tok', eventType: 'merge_request.open', deliveryId: 'd-1' },
    );
    expect(headers).toEqual({
      'x-gitlab-token': 'tok',
      'x-gitlab-event': 'Merge Request Hook',
      'x-gitlab-event-uuid': 'd-1',
      'idempotency-key': 'd-1',
    });
    expect(gitlabVerifier.secretHeaders(custom)).toEqual(['x-hook-token']);
  });
});
