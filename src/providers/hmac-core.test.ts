import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacDigest, isEncodedDigest, matchesAnySecret, safeEqual, sha256Hex } from './hmac-core.ts';

describe('hmac-core', () => {
  it('hmacDigest over several parts equals one HMAC of their concatenation', () => {
    const expected = createHmac('sha512', 'k').update('v0:1:{"a":1}').digest('base64');
    expect(hmacDigest('sha512', 'k', ['v0:1:', Buffer.from('{"a":1}')], 'base64')).toBe(expected);
  });

  it.each([
    ['abc', 'abc', true],
    ['abc', 'abd', false],
    ['abc', 'abcd', false],
    ['', '', true],
    ['', 'x', false],
  ])('safeEqual(%j, %j) = %s', (a, b, expected) => {
    expect(safeEqual(a, b)).toBe(expected);
    expect(safeEqual(Buffer.from(a), Buffer.from(b))).toBe(expected);
  });

  it('matchesAnySecret finds the one matching secret and compares hex case-insensitively', () => {
    const sig = createHmac('sha256', 'two').update('body').digest('hex');
    expect(matchesAnySecret(['one', 'two'], 'sha256', ['body'], 'hex', sig.toUpperCase())).toBe(true);
    expect(matchesAnySecret(['one', 'three'], 'sha256', ['body'], 'hex', sig)).toBe(false);
    const b64 = createHmac('sha256', 'two').update('body').digest('base64');
    expect(matchesAnySecret(['two'], 'sha256', ['body'], 'base64', b64)).toBe(true);
    expect(matchesAnySecret(['two'], 'sha256', ['body'], 'base64', b64.toLowerCase())).toBe(false);
  });

  it.each([
    ['a'.repeat(40), 'sha1', 'hex', true],
    ['a'.repeat(64), 'sha256', 'hex', true],
    ['a'.repeat(63), 'sha256', 'hex', false],
    ['g'.repeat(64), 'sha256', 'hex', false],
    ['a'.repeat(128), 'sha512', 'hex', true],
    [createHmac('sha256', 'k').update('').digest('base64'), 'sha256', 'base64', true],
    [createHmac('sha1', 'k').update('').digest('base64'), 'sha1', 'base64', true],
    [createHmac('sha512', 'k').update('').digest('base64'), 'sha512', 'base64', true],
    ['!'.repeat(44), 'sha256', 'base64', false],
  ] as const)('isEncodedDigest(%s, %s, %s) = %s', (text, algorithm, encoding, expected) => {
    expect(isEncodedDigest(text, algorithm, encoding)).toBe(expected);
  });

  it('sha256Hex is the plain sha256 of the bytes', () => {
    expect(sha256Hex(Buffer.from('x'))).toBe(createHash('sha256').update('x').digest('hex'));
  });
});
