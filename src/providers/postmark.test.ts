import { describe, it } from 'vitest';
import { presetCases } from '../../test/support/provider-test-kit.ts';
import { postmarkVerifier } from './postmark.ts';

describe('postmark verifier', () => {
  for (const [name, run] of presetCases({
    verifier: postmarkVerifier,
    options: { type: 'postmark', username: 'postmark', secrets: ['postmark-pass-1', 'postmark-pass-2'] },
    secrets: ['postmark-pass-1', 'postmark-pass-2'],
    providerHeaders: (_body, secret) => ({ Authorization: `Basic ${Buffer.from(`postmark:${secret}`).toString('base64')}` }),
    credentialHeader: 'authorization',
    signsBody: false,
    timestamped: false,
    sample: ['postmark', 'Bounce'],
    expected: { eventType: 'Bounce', dedupKey: 'Bounce:4323372036' },
  })) {
    it(name, run);
  }
});
