import { createHmac } from 'node:crypto';
import { describe, it } from 'vitest';
import { presetCases } from '../../test/support/provider-test-kit.ts';
import { typeformVerifier } from './typeform.ts';

describe('typeform verifier', () => {
  for (const [name, run] of presetCases({
    verifier: typeformVerifier,
    options: { type: 'typeform', secrets: ['typeform-secret-1', 'typeform-secret-2'] },
    secrets: ['typeform-secret-1', 'typeform-secret-2'],
    providerHeaders: (body, secret) => ({ 'Typeform-Signature': `sha256=${createHmac('sha256', secret).update(body).digest('base64')}` }),
    credentialHeader: 'typeform-signature',
    signsBody: true,
    timestamped: false,
    sample: ['typeform', 'form_response'],
    expected: { eventType: 'form_response', dedupKey: '01JDX8Y6K3N2W9QZV4R7T5M1PA' },
  })) {
    it(name, run);
  }
});
