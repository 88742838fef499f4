/**
 * A shared secret sent as is in a header (GitLab's `X-Gitlab-Token`, or `Authorization: Bearer`
 * with prefix "Bearer "), compared in constant time with every configured secret.
 */
import { VerificationError } from '../errors.ts';
import { defaultNormalize } from './default-normalize.ts';
import { safeEqual } from './hmac-core.ts';
import { optionalString, requiredString } from './option-readers.ts';
import { header } from './request-fields.ts';
import { schemaOf } from './schema-of.ts';
import { resolveSecrets } from './secrets.ts';
import type { SignInput, Verifier, VerifierType, VerifyOptionsBase, WebhookRequest } from './types.ts';

function create(options: VerifyOptionsBase): Verifier {
  const secrets = resolveSecrets(options);
  const name = requiredString(options, 'header');
  const nameLc = name.toLowerCase();
  const prefix = optionalString(options, 'prefix') ?? '';

  async function verifyToken(req: WebhookRequest): Promise<void> {
    const received = header(req, nameLc);
    if (received === undefined) throw new VerificationError('SIGNATURE_MISSING', name);
    if (!received.startsWith(prefix)) throw new VerificationError('SIGNATURE_MALFORMED', name);
    const token = received.slice(prefix.length);
    // No early exit on the first match: every secret costs the same whichever one matches.
    let matched = false;
    for (const secret of secrets) matched = safeEqual(token, secret) || matched;
    if (!matched) throw new VerificationError('CREDENTIALS_INVALID', name);
  }

  return { type: 'token', verify: verifyToken, normalize: defaultNormalize };
}

async function sign(options: VerifyOptionsBase, input: SignInput): Promise<Record<string, string>> {
  const name = requiredString(options, 'header').toLowerCase();
  return { [name]: (optionalString(options, 'prefix') ?? '') + input.secret };
}

export const tokenVerifier: VerifierType = {
  type: 'token',
  ...schemaOf('token'),
  secretHeaders: function tokenSecretHeaders(options) {
    return [requiredString(options, 'header').toLowerCase()];
  },
  create,
  sign,
};
