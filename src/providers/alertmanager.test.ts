import { describe, expect, it } from 'vitest';
import { presetCases, sampleSha256 } from '../../test/support/provider-test-kit.ts';
import { alertmanagerVerifier } from './alertmanager.ts';

describe('alertmanager verifier', () => {
  for (const [name, run] of presetCases({
    verifier: alertmanagerVerifier,
    options: { type: 'alertmanager', secrets: ['alertmanager-token-1', 'alertmanager-token-2'] },
    secrets: ['alertmanager-token-1', 'alertmanager-token-2'],
    providerHeaders: (_body, secret) => ({ Authorization: `Bearer ${secret}` }),
    credentialHeader: 'authorization',
    signsBody: false,
    timestamped: false,
    sample: ['alertmanager', 'firing'],
    expected: { eventType: 'firing', dedupKey: sampleSha256('alertmanager', 'firing') },
  })) {
    it(name, run);
  }
});

describe('alertmanager preset details', () => {
  it('expects the Bearer prefix by default and another header when configured', async () => {
    const { refusal, request } = await import('../../test/support/provider-test-kit.ts');
    const verifier = alertmanagerVerifier.create({ type: 'alertmanager', secret: 'cred' });
    expect((await refusal(verifier, request({ headers: { Authorization: 'cred' }, body: '{}' }))).code).toBe('SIGNATURE_MALFORMED');
    const custom = alertmanagerVerifier.create({ type: 'alertmanager', secret: 'cred', header: 'X-Alertmanager-Token', prefix: '' });
    await custom.verify(request({ headers: { 'X-Alertmanager-Token': 'cred' }, body: '{}' }));
  });
});
