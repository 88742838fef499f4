/**
 * A shared secret sent as is in a header (GitLab's `X-Gitlab-Token`, or `Authorization: Bearer`
 * with prefix "Bearer "), compared in constant time with every configured secret.
 */
import { VerificationError } from '../errors.ts';
import { defaultNormalize } from './default-normalize.ts';
import { defineVerifier } from './define.ts';
import { safeEqual } from './hmac-core.ts';
import { optionalString, requiredString } from './option-readers.ts';
import { verifyOptionsSchema } from './options.ts';
import { header } from './request-fields.ts';
import { resolveSecrets } from './secrets.ts';
import type { SignInput, Verifier, VerifyOptionsBase, WebhookRequest } from './types.ts';

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

export const tokenVerifier = defineVerifier({
  type: 'token',
  kind: 'credential',
  optionsSchema: verifyOptionsSchema(
    'token',
    "A shared secret sent as is in a header (e.g. GitLab's X-Gitlab-Token), compared in constant time.",
    {
      header: { type: 'string', minLength: 1, description: 'Header carrying the token, e.g. x-gitlab-token.' },
      prefix: { type: 'string', description: 'Text before the token in the header, e.g. "Bearer " (default none).' },
    },
    ['header'],
  ),
  docs: {
    provider: 'generic',
    scheme: 'a shared secret in `header` (optional `prefix`), compared in constant time; the body is not signed',
    headers: ['`header`'],
    eventType: 'provider `event` expression, default body `type`',
    dedupKey: 'provider `id` expression, default sha256 of the body',
  },
  secretHeaders: function tokenSecretHeaders(options) {
    return [requiredString(options, 'header').toLowerCase()];
  },
  example: { options: { type: 'token', header: 'X-Gitlab-Token', secrets: ['TOKEN-current-3a3a', 'TOKEN-previous-4b4b'] } },
  create,
  sign,
});
