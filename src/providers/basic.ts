/**
 * HTTP Basic authentication: `Authorization: Basic base64(username:password)`. The password is the
 * provider's secret (or any of its secrets, for rotation). https://www.rfc-editor.org/rfc/rfc7617
 */
import { VerificationError } from '../errors.ts';
import { defaultNormalize } from './default-normalize.ts';
import { defineVerifier } from './define.ts';
import { safeEqual } from './hmac-core.ts';
import { requiredString } from './option-readers.ts';
import { verifyOptionsSchema } from './options.ts';
import { header } from './request-fields.ts';
import { resolveSecrets } from './secrets.ts';
import type { SignInput, Verifier, VerifyOptionsBase, WebhookRequest } from './types.ts';

const HEADER = 'Authorization';
const HEADER_LC = 'authorization';
const SCHEME = /^basic +/i;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** `user:password` from the header value, or undefined when it is not Basic credentials. */
function credentialsOf(value: string): { user: string; password: string } | undefined {
  const scheme = SCHEME.exec(value);
  if (scheme === null) return undefined;
  const encoded = value.slice(scheme[0].length).trim();
  if (!BASE64.test(encoded)) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function create(options: VerifyOptionsBase): Verifier {
  const passwords = resolveSecrets(options);
  const username = requiredString(options, 'username');

  async function verifyBasic(req: WebhookRequest): Promise<void> {
    const value = header(req, HEADER_LC);
    if (value === undefined) throw new VerificationError('SIGNATURE_MISSING', HEADER);
    const credentials = credentialsOf(value);
    if (credentials === undefined) throw new VerificationError('SIGNATURE_MALFORMED', HEADER);
    // Every comparison runs whatever the outcome of the others: no timing hint which part failed.
    let passwordMatched = false;
    for (const password of passwords) passwordMatched = safeEqual(credentials.password, password) || passwordMatched;
    const userMatched = safeEqual(credentials.user, username);
    if (!(userMatched && passwordMatched)) throw new VerificationError('CREDENTIALS_INVALID', HEADER);
  }

  return { type: 'basic', verify: verifyBasic, normalize: defaultNormalize };
}

async function sign(options: VerifyOptionsBase, input: SignInput): Promise<Record<string, string>> {
  const username = requiredString(options, 'username');
  return { [HEADER_LC]: `Basic ${Buffer.from(`${username}:${input.secret}`, 'utf8').toString('base64')}` };
}

export const basicVerifier = defineVerifier({
  type: 'basic',
  kind: 'credential',
  optionsSchema: verifyOptionsSchema(
    'basic',
    'HTTP Basic authentication: the username, and the password as secret (or secrets, for rotation).',
    { username: { type: 'string', minLength: 1, description: 'The expected user name.' } },
    ['username'],
  ),
  docs: {
    provider: 'generic',
    url: 'https://www.rfc-editor.org/rfc/rfc7617',
    scheme: 'HTTP Basic: `username`, the password as `secret(s)`; the body is not signed',
    headers: ['Authorization'],
    eventType: 'provider `event` expression, default body `type`',
    dedupKey: 'provider `id` expression, default sha256 of the body',
  },
  secretHeaders: function basicSecretHeaders() {
    return [HEADER_LC];
  },
  example: {
    options: { type: 'basic', username: 'hooks', secrets: ['BASIC-current-1c1c', 'BASIC-previous-2d2d'] },
    malformedSignature: 'Bearer abc',
  },
  create,
  sign,
});
