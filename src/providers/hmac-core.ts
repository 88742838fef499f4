/**
 * The HMAC and comparison primitives every signature scheme here shares. Comparisons are
 * constant time whatever the lengths: both sides are hashed to a fixed-size digest first, then
 * compared with crypto.timingSafeEqual, so neither the content nor the length of a secret or an
 * expected signature shows in the timing.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type HmacAlgorithm = 'sha1' | 'sha256' | 'sha512';
export type HmacEncoding = 'hex' | 'base64';

/** Digest sizes in bytes, for shape checks of a received signature. */
const DIGEST_BYTES: Readonly<Record<HmacAlgorithm, number>> = { sha1: 20, sha256: 32, sha512: 64 };

/** HMAC of the concatenated parts under one secret, encoded. */
export function hmacDigest(algorithm: HmacAlgorithm, secret: string, parts: readonly (string | Buffer)[], encoding: HmacEncoding): string {
  const mac = createHmac(algorithm, secret);
  for (const part of parts) mac.update(part);
  return mac.digest(encoding);
}

/** Constant-time equality of two values of any length (sha256 of each, then timingSafeEqual). */
export function safeEqual(received: string | Buffer, expected: string | Buffer): boolean {
  const a = createHash('sha256').update(received).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * True when `received` is the encoded HMAC of `parts` under any one of the secrets (rotation).
 * Hex is compared case-insensitively, as providers differ in the case they send.
 */
export function matchesAnySecret(
  secrets: readonly string[],
  algorithm: HmacAlgorithm,
  parts: readonly (string | Buffer)[],
  encoding: HmacEncoding,
  received: string,
): boolean {
  const candidate = encoding === 'hex' ? received.toLowerCase() : received;
  for (const secret of secrets) {
    if (safeEqual(candidate, hmacDigest(algorithm, secret, parts, encoding))) return true;
  }
  return false;
}

const HEX = /^[0-9a-fA-F]+$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Whether the text has the shape of an encoded digest of this algorithm (charset and length). */
export function isEncodedDigest(text: string, algorithm: HmacAlgorithm, encoding: HmacEncoding): boolean {
  const bytes = DIGEST_BYTES[algorithm];
  if (encoding === 'hex') return text.length === bytes * 2 && HEX.test(text);
  return text.length === Math.ceil(bytes / 3) * 4 && BASE64.test(text);
}

/** sha256 of the raw body, hex: the default dedup key. */
export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
