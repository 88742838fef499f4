/**
 * The parts of the generic `hmac` type that let one config describe most providers' schemes:
 * what is signed (a template over body, timestamp, method, URL and headers), where the signed
 * time travels (a header, or an item of the signature header) and how the signature header is
 * laid out (one value, or a list such as `t=..,v1=..,v1=..`). Pure functions, no I/O.
 */
import { createHmac } from 'node:crypto';
import { SetupError } from '../errors.ts';
import { rfc3339Ms, signatureItems } from './scheme-kit.ts';

export type TemplatePart =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'body' | 'timestamp' | 'method' | 'url' }
  | { readonly kind: 'header'; readonly name: string };

const PLACEHOLDER = /\{([^{}]*)\}/g;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/**
 * `{timestamp}.{body}` → parts. Placeholders: `{body}`, `{timestamp}`, `{method}`, `{url}`,
 * `{header.<name>}`; `{{` and `}}` stand for literal braces. Anything else is a SetupError
 * naming the placeholder, so a typo fails at load instead of at the first request.
 */
export function compileTemplate(template: string, field = 'verify.signedContent'): readonly TemplatePart[] {
  const parts: TemplatePart[] = [];
  const escaped = template.replaceAll('{{', '\u0000').replaceAll('}}', '\u0001');
  let last = 0;
  const literal = (text: string) => {
    if (text !== '') parts.push({ kind: 'literal', text: text.replaceAll('\u0000', '{').replaceAll('\u0001', '}') });
  };
  for (const match of escaped.matchAll(PLACEHOLDER)) {
    literal(escaped.slice(last, match.index));
    last = match.index + match[0].length;
    const name = match[1] ?? '';
    if (name === 'body' || name === 'timestamp' || name === 'method' || name === 'url') parts.push({ kind: name });
    else if (name.startsWith('header.') && HEADER_NAME.test(name.slice(7)))
      parts.push({ kind: 'header', name: name.slice(7).toLowerCase() });
    else throw new SetupError(`${field}: unknown placeholder {${name}} (use {body}, {timestamp}, {method}, {url} or {header.<name>})`);
  }
  if (/[{}]/.test(escaped.replace(PLACEHOLDER, ''))) throw new SetupError(`${field}: unbalanced brace (write {{ or }} for a literal one)`);
  literal(escaped.slice(last));
  return parts;
}

export function uses(parts: readonly TemplatePart[], kind: TemplatePart['kind']): boolean {
  return parts.some((part) => part.kind === kind);
}

export interface TemplateInput {
  readonly body: Buffer;
  readonly timestamp?: string;
  readonly method: string;
  readonly url?: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** The byte pieces the template stands for, in order (the body stays bytes: never re-encoded). */
export function renderTemplate(parts: readonly TemplatePart[], input: TemplateInput): (string | Buffer)[] {
  return parts.map(function piece(part) {
    switch (part.kind) {
      case 'literal':
        return part.text;
      case 'body':
        return input.body;
      case 'timestamp':
        return input.timestamp ?? '';
      case 'method':
        return input.method.toUpperCase();
      case 'url':
        return input.url ?? '';
      default:
        return input.headers[part.name] ?? '';
    }
  });
}

export type TimestampFormat = 'unix' | 'unix-ms' | 'iso8601';

/** A signed time as sent, in milliseconds; undefined when it does not have the format's shape. */
export function parseTimestamp(text: string, format: TimestampFormat): number | undefined {
  if (format === 'iso8601') return rfc3339Ms(text);
  if (!/^\d{1,16}$/.test(text)) return undefined;
  return format === 'unix' ? Number(text) * 1000 : Number(text);
}

export function formatTimestamp(at: Date, format: TimestampFormat): string {
  if (format === 'iso8601') return at.toISOString();
  return format === 'unix' ? String(Math.floor(at.getTime() / 1000)) : String(at.getTime());
}

export type SignatureEncoding = 'hex' | 'base64' | 'base64url';

const SHAPES: Readonly<Record<SignatureEncoding, RegExp>> = {
  hex: /^[0-9a-fA-F]+$/,
  base64: /^[A-Za-z0-9+/]+={0,2}$/,
  base64url: /^[A-Za-z0-9_-]+={0,2}$/,
};

/** Whether the text can be a signature in this encoding (charset only; the length differs per hash). */
export function hasShape(text: string, encoding: SignatureEncoding): boolean {
  return SHAPES[encoding].test(text);
}

export function digest(
  algorithm: 'sha1' | 'sha256' | 'sha512',
  secret: string,
  parts: readonly (string | Buffer)[],
  encoding: SignatureEncoding,
): string {
  const mac = createHmac(algorithm, secret);
  for (const part of parts) mac.update(part);
  const out = mac.digest(encoding);
  // Some senders pad base64url, some do not: compare without the padding.
  return encoding === 'base64url' ? out.replace(/=+$/, '') : out;
}

export interface ListLayout {
  /** Between items: `,` (Stripe, Calendly, PagerDuty) or `;` (Paddle). */
  readonly separator: string;
  /** The key of each signature item (`v1`, `h1`). */
  readonly signatureKey: string;
  /** The key of the signed time item (`t`, `ts`), when the time travels in the list. */
  readonly timestampKey?: string;
}

export interface ReadSignatures {
  readonly signatures: readonly string[];
  readonly timestamp?: string;
}

/** The signatures a header carries: one after the prefix, or every `<signatureKey>=` item of a list. */
export function readSignatures(value: string, prefix: string, list: ListLayout | undefined): ReadSignatures | undefined {
  if (list === undefined) return value.startsWith(prefix) ? { signatures: [value.slice(prefix.length)] } : undefined;
  const items = signatureItems(value, list.separator);
  const signatures = items.get(list.signatureKey) ?? [];
  const timestamps = list.timestampKey === undefined ? undefined : items.get(list.timestampKey);
  if (signatures.length === 0) return undefined;
  if (list.timestampKey !== undefined && timestamps?.length !== 1) return undefined;
  return timestamps === undefined ? { signatures } : { signatures, timestamp: timestamps[0]! };
}

/** The header value a sender writes for one signature (and its time, in a list layout). */
export function writeSignature(signature: string, prefix: string, list: ListLayout | undefined, timestamp: string | undefined): string {
  if (list === undefined) return prefix + signature;
  const items = [];
  if (list.timestampKey !== undefined) items.push(`${list.timestampKey}=${timestamp ?? ''}`);
  items.push(`${list.signatureKey}=${signature}`);
  return items.join(list.separator);
}
