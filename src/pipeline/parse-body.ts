/**
 * The body is parsed only after the signature check (spec section 2): JSON as JSON;
 * application/x-www-form-urlencoded as a flat object, with a `payload` field that holds JSON
 * (Slack interactivity) parsed too.
 */
import { HookgateError } from '../errors.ts';

export function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) throw new HookgateError('BODY_UNPARSEABLE', 'empty body');
  const mediaType = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  if (mediaType === 'application/x-www-form-urlencoded') return parseForm(raw);
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch (err) {
    throw new HookgateError('BODY_UNPARSEABLE', `not valid JSON (${(err as Error).message})`);
  }
}

function parseForm(raw: Buffer): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw.toString('utf8'))) out[key] = value;
  const payload = out.payload;
  if (typeof payload === 'string') {
    try {
      out.payload = JSON.parse(payload) as unknown;
    } catch {
      throw new HookgateError('BODY_UNPARSEABLE', 'form field `payload` is not valid JSON');
    }
  }
  return out;
}
