/** No verification at all: local experiments only (`hookgate validate` warns about it). */
import { defaultNormalize } from './default-normalize.ts';
import { schemaOf } from './schema-of.ts';
import type { Verifier, VerifierType } from './types.ts';

function create(): Verifier {
  async function verifyNone(): Promise<void> {}
  return { type: 'none', verify: verifyNone, normalize: defaultNormalize };
}

export const noneVerifier: VerifierType = {
  type: 'none',
  ...schemaOf('none'),
  secretHeaders: function noneSecretHeaders() {
    return [];
  },
  create,
  sign: async function signNone() {
    return {};
  },
};
