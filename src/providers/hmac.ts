/**
 * Generic HMAC, for in-house senders and any provider without a type of its own. In its simplest
 * form (the original options) `<header>: <prefix><encoded hmac of the raw body>`. Optional
 * options describe the rest of what providers do, so the next one needs no code:
 * - `signedContent`: what is signed, a template over `{body}`, `{timestamp}`, `{method}`, `{url}`
 *   and `{header.<name>}` (Slack: `v0:{timestamp}:{body}`; Stripe: `{timestamp}.{body}`);
 * - `timestampHeader` + `timestampFormat` (unix, unix-ms, iso8601) + `tolerance`: a signed time,
 *   refused when stale or in the future beyond the tolerance (default 5m);
 * - `list`: the header is a list such as `t=..,v1=..,v1=..` (any listed signature may match, the
 *   time may travel as one of its items);
 * - `encoding`: hex, base64 or base64url; `url`: the public URL, for `{url}`.
 */
import { SetupError, VerificationError } from '../errors.ts';
import { defaultNormalize } from './default-normalize.ts';
import { defineVerifier } from './define.ts';
import { type HmacAlgorithm, safeEqual } from './hmac-core.ts';
import {
  compileTemplate,
  digest,
  formatTimestamp,
  hasShape,
  type ListLayout,
  parseTimestamp,
  readSignatures,
  renderTemplate,
  type SignatureEncoding,
  type TemplatePart,
  type TimestampFormat,
  uses,
  writeSignature,
} from './hmac-template.ts';
import { optionalEnum, optionalString, requiredString, toleranceMs } from './option-readers.ts';
import { tolerance as toleranceSchema, verifyOptionsSchema } from './options.ts';
import { header } from './request-fields.ts';
import { publicUrl, stripQuery } from './scheme-kit.ts';
import { resolveSecrets } from './secrets.ts';
import type { SignInput, Verifier, VerifyOptionsBase, WebhookRequest } from './types.ts';

const ALGORITHMS: readonly HmacAlgorithm[] = ['sha1', 'sha256', 'sha512'];
const ENCODINGS: readonly SignatureEncoding[] = ['hex', 'base64', 'base64url'];
const FORMATS: readonly TimestampFormat[] = ['unix', 'unix-ms', 'iso8601'];
const DIGEST_BYTES: Readonly<Record<HmacAlgorithm, number>> = { sha1: 20, sha256: 32, sha512: 64 };
const DEFAULT_TOLERANCE_MS = 5 * 60_000;

interface HmacSettings {
  readonly header: string;
  readonly headerLc: string;
  readonly algorithm: HmacAlgorithm;
  readonly encoding: SignatureEncoding;
  readonly prefix: string;
  readonly template: readonly TemplatePart[];
  readonly list: ListLayout | undefined;
  readonly timestampHeader: string | undefined;
  readonly timestampFormat: TimestampFormat;
  readonly url: string | undefined;
  /** Where the signed time travels, for error messages; undefined when nothing is timed. */
  readonly timestampLocation: string | undefined;
}

function listOf(options: VerifyOptionsBase): ListLayout | undefined {
  const raw = options.list;
  if (raw === undefined) return undefined;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new SetupError('verify.list: must be an object (type hmac)');
  const record = raw as Record<string, unknown>;
  const text = (key: string): string | undefined => {
    const value = record[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '') throw new SetupError(`verify.list.${key}: must be a non-empty string (type hmac)`);
    return value;
  };
  const signatureKey = text('signatureKey');
  if (signatureKey === undefined) throw new SetupError('verify.list.signatureKey: required (type hmac), e.g. v1');
  const timestampKey = text('timestampKey');
  return { separator: text('separator') ?? ',', signatureKey, ...(timestampKey !== undefined ? { timestampKey } : {}) };
}

function settingsOf(options: VerifyOptionsBase): HmacSettings {
  const name = requiredString(options, 'header');
  const list = listOf(options);
  const prefix = optionalString(options, 'prefix') ?? '';
  if (list !== undefined && prefix !== '')
    throw new SetupError('verify.prefix: not used with verify.list (the list keys say where signatures are)');
  const timestampHeader = optionalString(options, 'timestampHeader');
  if (timestampHeader !== undefined && list?.timestampKey !== undefined) {
    throw new SetupError('verify.timestampHeader: the time comes from verify.list.timestampKey already; give one of the two');
  }
  const template = compileTemplate(optionalString(options, 'signedContent') ?? '{body}');
  const timestampLocation = timestampHeader ?? (list?.timestampKey !== undefined ? name : undefined);
  if (uses(template, 'timestamp') && timestampLocation === undefined) {
    throw new SetupError('verify.signedContent: {timestamp} needs verify.timestampHeader or verify.list.timestampKey');
  }
  const url = optionalString(options, 'url');
  if (uses(template, 'url') && url === undefined)
    throw new SetupError('verify.signedContent: {url} needs verify.url (the public URL the sender calls)');
  return {
    header: name,
    headerLc: name.toLowerCase(),
    algorithm: optionalEnum(options, 'algorithm', ALGORITHMS, 'sha256'),
    encoding: optionalEnum(options, 'encoding', ENCODINGS, 'hex'),
    prefix,
    template,
    list,
    timestampHeader,
    timestampFormat: optionalEnum(options, 'timestampFormat', FORMATS, 'unix'),
    url,
    timestampLocation,
  };
}

/** Charset and exact length of one encoded digest of this algorithm. */
function wellFormed(text: string, s: HmacSettings): boolean {
  const bytes = DIGEST_BYTES[s.algorithm];
  if (!hasShape(text, s.encoding)) return false;
  if (s.encoding === 'hex') return text.length === bytes * 2;
  if (s.encoding === 'base64') return text.length === Math.ceil(bytes / 3) * 4;
  return text.replace(/=+$/, '').length === Math.ceil((bytes * 4) / 3);
}

/** Hex in any case and base64url with or without padding compare equal to our own digest. */
function canonical(text: string, encoding: SignatureEncoding): string {
  if (encoding === 'hex') return text.toLowerCase();
  return encoding === 'base64url' ? text.replace(/=+$/, '') : text;
}

function create(options: VerifyOptionsBase): Verifier {
  const secrets = resolveSecrets(options);
  const s = settingsOf(options);
  const tolerance = toleranceMs(options, DEFAULT_TOLERANCE_MS);

  async function verifyHmac(req: WebhookRequest): Promise<void> {
    const received = header(req, s.headerLc);
    if (received === undefined) throw new VerificationError('SIGNATURE_MISSING', s.header);
    const read = readSignatures(received, s.prefix, s.list);
    const candidates = (read?.signatures ?? []).filter((candidate) => wellFormed(candidate, s));
    if (read === undefined || candidates.length === 0) throw new VerificationError('SIGNATURE_MALFORMED', s.header);
    let timestamp: string | undefined;
    let signedAtMs: number | undefined;
    if (s.timestampLocation !== undefined) {
      timestamp = s.timestampHeader !== undefined ? header(req, s.timestampHeader.toLowerCase()) : read.timestamp;
      if (timestamp === undefined) throw new VerificationError('TIMESTAMP_MISSING', s.timestampLocation);
      signedAtMs = parseTimestamp(timestamp, s.timestampFormat);
      if (signedAtMs === undefined) throw new VerificationError('SIGNATURE_MALFORMED', s.timestampLocation);
    }
    const parts = renderTemplate(s.template, {
      body: req.rawBody,
      ...(timestamp !== undefined ? { timestamp } : {}),
      method: req.method,
      ...(s.url !== undefined ? { url: publicUrl(s.url, req) } : {}),
      headers: req.headers,
    });
    // Every pair is compared, whichever matches: no timing hint which secret or signature did.
    let matched = false;
    for (const secret of secrets) {
      const expected = digest(s.algorithm, secret, parts, s.encoding);
      for (const candidate of candidates) matched = safeEqual(canonical(candidate, s.encoding), canonical(expected, s.encoding)) || matched;
    }
    if (!matched) throw new VerificationError('SIGNATURE_INVALID', s.header);
    if (signedAtMs !== undefined && Math.abs(req.receivedAt.getTime() - signedAtMs) > tolerance) {
      throw new VerificationError('TIMESTAMP_OUT_OF_TOLERANCE', s.timestampLocation);
    }
  }

  return { type: 'hmac', verify: verifyHmac, normalize: defaultNormalize };
}

/**
 * What the configured sender sends. Headers the template names are sent with the delivery id
 * (a sender's message id is the usual one); the URL is the configured public URL.
 */
async function sign(options: VerifyOptionsBase, input: SignInput): Promise<Record<string, string>> {
  const s = settingsOf(options);
  const timestamp = s.timestampLocation !== undefined ? formatTimestamp(input.timestamp ?? new Date(), s.timestampFormat) : undefined;
  const named: Record<string, string> = {};
  for (const part of s.template) if (part.kind === 'header') named[part.name] = input.deliveryId ?? 'delivery-1';
  const parts = renderTemplate(s.template, {
    body: input.rawBody,
    ...(timestamp !== undefined ? { timestamp } : {}),
    method: 'POST',
    ...(s.url !== undefined ? { url: stripQuery(s.url) } : {}),
    headers: named,
  });
  const signature = digest(s.algorithm, input.secret, parts, s.encoding);
  const headers: Record<string, string> = { ...named, [s.headerLc]: writeSignature(signature, s.prefix, s.list, timestamp) };
  if (s.timestampHeader !== undefined && timestamp !== undefined) headers[s.timestampHeader.toLowerCase()] = timestamp;
  return headers;
}

export const hmacVerifier = defineVerifier({
  type: 'hmac',
  kind: 'signature',
  optionsSchema: verifyOptionsSchema(
    'hmac',
    'Generic HMAC in one header: of the raw body, or of a signed-content template with a timestamp, URL, method or headers.',
    {
      header: { type: 'string', minLength: 1, description: 'Header carrying the signature, e.g. x-signature.' },
      algorithm: { enum: ['sha1', 'sha256', 'sha512'], description: 'HMAC hash (default sha256).' },
      encoding: { enum: ['hex', 'base64', 'base64url'], description: 'Signature encoding (default hex).' },
      prefix: { type: 'string', description: 'Text before the signature in the header, e.g. "sha256=" (default none; not with list).' },
      signedContent: {
        type: 'string',
        minLength: 1,
        description: 'What is signed (default "{body}"): {body}, {timestamp}, {method}, {url}, {header.<name>}; {{ and }} for braces.',
      },
      timestampHeader: { type: 'string', minLength: 1, description: 'Header carrying the signed time; a stale or future time is refused.' },
      timestampFormat: { enum: ['unix', 'unix-ms', 'iso8601'], description: 'How the signed time is written (default unix seconds).' },
      tolerance: { ...toleranceSchema, description: 'How far the signed time may be from now, either way (default 5m).' },
      list: {
        type: 'object',
        description: 'The header is a list such as t=..,v1=..,v1=.. (any listed signature may match).',
        properties: {
          separator: { type: 'string', minLength: 1, description: 'Between items (default ",").' },
          signatureKey: { type: 'string', minLength: 1, description: 'Key of each signature item, e.g. v1.' },
          timestampKey: { type: 'string', minLength: 1, description: 'Key of the signed time item, e.g. t.' },
        },
        required: ['signatureKey'],
        additionalProperties: false,
      },
      url: { type: 'string', pattern: '^https?://', description: 'The public URL the sender calls, for {url}.' },
    },
    ['header'],
  ),
  docs: {
    provider: 'generic',
    scheme:
      'HMAC (sha1/sha256/sha512; hex/base64/base64url) of the body or of a `signedContent` template; optional timestamp header or `t=..,v1=..` list with tolerance',
    headers: ['`header`', '`timestampHeader`'],
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
