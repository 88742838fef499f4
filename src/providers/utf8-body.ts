/**
 * Some official libraries (stripe, @octokit/webhooks-methods, standardwebhooks) take the payload
 * as a string, so the raw bytes are decoded as UTF-8 before the HMAC is computed. Decoding is
 * lossy for invalid UTF-8 (every bad sequence becomes U+FFFD), which would let two different
 * byte strings share one signature. These providers only ever send UTF-8 JSON or ASCII forms, so
 * a body that is not valid UTF-8 cannot be genuine and is refused before the library sees it.
 */
import { isUtf8 } from 'node:buffer';
import { VerificationError } from '../errors.ts';

export function assertUtf8Body(rawBody: Buffer, signatureHeader: string): void {
  if (!isUtf8(rawBody)) throw new VerificationError('SIGNATURE_INVALID', signatureHeader);
}
