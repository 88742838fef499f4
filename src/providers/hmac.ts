/**
 * Generic HMAC: `<header>: <prefix><encoded hmac of the raw body>`, for in-house senders.
 * Options: header (required), algorithm sha1|sha256|sha512 (sha256), encoding hex|base64 (hex),
 * prefix (none).
 */
import { VerificationError } from '../errors.ts';
import { defaultNormalize } from './default-normalize.ts';
import { defineVerifier } from './define.ts';
import { type HmacAlgorithm, type HmacEncoding, hmacDigest, isEncodedDigest, matchesAnySecret } from './hmac-core.ts';
import { optionalEnum, optionalString, requiredString } from './option-readers.ts';
import { verifyOptionsSchema } from './options.ts';
import { header } from './request-fields.ts';
import { resolveSecrets } from './secrets.ts';
import type { SignInput, Verifier, VerifyOptionsBase, WebhookRequest } from './types.ts';

const ALGORITHMS: readonly HmacAlgorithm[] = ['sha1', 'sha256', 'sha512'];
const ENCODINGS: readonly HmacEncoding[] = ['hex', 'base64'];

interface HmacSettings {
  readonly header: string;
  readonly headerLc: string;
  readonly algorithm: HmacAlgorithm;
  readonly encoding: HmacEncoding;
  readonly prefix: string;
}

function settingsOf(options: VerifyOptionsBase): HmacSettings {
  const name = requiredString(options, 'header');
  return {
    header: name,
    headerLc: name.toLowerCase(),
    algorithm: optionalEnum(options, 'algorithm', ALGORITHMS, 'sha256'),
    encoding: optionalEnum(options, 'encoding', ENCODINGS, 'hex'),
    prefix: optionalString(options, 'prefix') ?? '',
  };
}

function create(options: VerifyOptionsBase): Verifier {
  const secrets = resolveSecrets(options);
  const s = settingsOf(options);

  async function verifyHmac(req: WebhookRequest): Promise<void> {
    const received = header(req, s.headerLc);
    if (received === undefined) throw new VerificationError('SIGNATURE_MISSING', s.header);
    if (!received.startsWith(s.prefix)) throw new VerificationError('SIGNATURE_MALFORMED', s.header);
    const signature = received.slice(s.prefix.length);
    if (!isEncodedDigest(signature, s.algorithm, s.encoding)) {
      throw new VerificationError('SIGNATURE_MALFORMED', s.header);
    }
    if (!matchesAnySecret(secrets, s.algorithm, [req.rawBody], s.encoding, signature)) {
      throw new VerificationError('SIGNATURE_INVALID', s.header);
    }
  }

  return { type: 'hmac', verify: verifyHmac, normalize: defaultNormalize };
}

async function sign(options: VerifyOptionsBase, input: SignInput): Promise<Record<string, string>> {
  const s = settingsOf(options);
  return { [s.headerLc]: s.prefix + hmacDigest(s.algorithm, input.secret, [input.rawBody], s.encoding) };
}

export const hmacVerifier = defineVerifier({
  type: 'hmac',
  kind: 'signature',
  optionsSchema: verifyOptionsSchema(
    'hmac',
    'Generic HMAC of the raw body in one header.',
    {
      header: { type: 'string', minLength: 1, description: 'Header carrying the signature, e.g. x-signature.' },
      algorithm: { enum: ['sha1', 'sha256', 'sha512'], description: 'HMAC hash (default sha256).' },
      encoding: { enum: ['hex', 'base64'], description: 'Signature encoding (default hex).' },
      prefix: { type: 'string', description: 'Text before the signature in the header, e.g. "sha256=" (default none).' },
    },
    ['header'],
  ),
  docs: {
    provider: 'generic',
    scheme: 'HMAC of the body: `header`, `algorithm` (sha1/sha256/sha512), `encoding` (hex/base64), `prefix`',
    headers: ['`header`'],
    eventType: 'provider `event` expression, default body `type`',
    dedupKey: 'provider `id` expression, default sha256 of the body',
  },
  secretHeaders: function hmacSecretHeaders(options) {
    return [requiredString(options, 'header').toLowerCase()];
  },
  example: {
    options: {
      type: 'hmac',
      header: 'X-Signature',
      algorithm: 'sha256',
      encoding: 'hex',
      prefix: 'sha256=',
      secrets: ['HMAC-current-6e6e', 'HMAC-previous-5f5f'],
    },
    malformedSignature: 'sha512=0123456789abcdef',
  },
  create,
  sign,
});
