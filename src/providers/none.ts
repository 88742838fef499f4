/** No verification at all: local experiments only (`hookgate validate` warns about it). */
import { defaultNormalize } from './default-normalize.ts';
import { defineVerifier } from './define.ts';
import type { Verifier } from './types.ts';

function create(): Verifier {
  async function verifyNone(): Promise<void> {}
  return { type: 'none', verify: verifyNone, normalize: defaultNormalize };
}

export const noneVerifier = defineVerifier({
  type: 'none',
  kind: 'none',
  optionsSchema: {
    type: 'object',
    description: 'No verification. For local experiments only: validate warns.',
    properties: { type: { const: 'none', description: 'Verifier type.' } },
    required: ['type'],
    additionalProperties: false,
  },
  docs: {
    provider: 'generic',
    scheme: 'nothing is checked (local experiments only; `validate` warns)',
    headers: [],
    eventType: 'provider `event` expression, default body `type`',
    dedupKey: 'provider `id` expression, default sha256 of the body',
  },
  secretHeaders: function noneSecretHeaders() {
    return [];
  },
  example: { options: { type: 'none' } },
  create,
  sign: async function signNone() {
    return {};
  },
  throwawayKeys: function noneThrowaway(options) {
    return { options, signingSecret: '' };
  },
});
