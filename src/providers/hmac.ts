/**
 * Generic HMAC: `<header>: <prefix><encoded hmac of the raw body>`, for in-house senders.
 * Options: header (required), algorithm sha1|sha256|sha512 (sha256), encoding hex|base64 (hex),
 * prefix (none).
 */
import { VerificationError } from '../errors.ts';
import { defaultNormalize } from './default-normalize.ts';
import { type HmacAlgorithm, type HmacEncoding, hmacDigest, isEncodedDigest, matchesAnySecret } from './hmac-core.ts';
import { optionalEnum, optionalString, requiredString } from './option-readers.ts';
import { header } from './request-fields.ts';
import { schemaOf } from './schema-of.ts';
import { resolveSecrets } from './secrets.ts';
import type { SignInput, Verifier, VerifierType, VerifyOptionsBase, WebhookRequest } from './types.ts';

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

export const hmacVerifier: VerifierType = {
  type: 'hmac',
  ...schemaOf('hmac'),
  secretHeaders: function hmacSecretHeaders(options) {
    return [requiredString(options, 'header').toLowerCase()];
  },
  create,
  sign,
};
