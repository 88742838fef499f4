import { describe, expect, it } from 'vitest';
import { SetupError } from '../errors.ts';
import {
  compileTemplate,
  digest,
  formatTimestamp,
  parseTimestamp,
  readSignatures,
  renderTemplate,
  writeSignature,
} from './hmac-template.ts';

const input = {
  body: Buffer.from('{"a":1}'),
  timestamp: '1700000000',
  method: 'post',
  url: 'https://x.example/h?q=1',
  headers: { 'x-id': 'm1' },
};
const joined = (template: string) => Buffer.concat(renderTemplate(compileTemplate(template), input).map((p) => Buffer.from(p))).toString();

describe('hmac signed-content template', () => {
  it.each([
    ['{body}', '{"a":1}'],
    ['{timestamp}.{body}', '1700000000.{"a":1}'],
    ['v0:{timestamp}:{body}', 'v0:1700000000:{"a":1}'],
    ['{method}{url}{body}{timestamp}', 'POSThttps://x.example/h?q=1{"a":1}1700000000'],
    ['{header.X-Id}{timestamp}{body}', 'm11700000000{"a":1}'],
    ['{{literal}}{body}', '{literal}{"a":1}'],
  ])('%s renders as the provider signs it', (template, expected) => {
    expect(joined(template)).toBe(expected);
  });

  it.each(['{bdy}', '{header.}', '{body', 'a}b{body}'])('refuses %s at load with a SetupError naming the field', (template) => {
    expect(() => compileTemplate(template)).toThrow(SetupError);
    expect(() => compileTemplate(template)).toThrow(/verify.signedContent/);
  });
});

describe('hmac timestamps', () => {
  it('parses and writes unix seconds, milliseconds and RFC 3339, and refuses other shapes', () => {
    const at = new Date('2026-11-30T18:24:08.000Z');
    for (const format of ['unix', 'unix-ms', 'iso8601'] as const)
      expect(parseTimestamp(formatTimestamp(at, format), format)).toBe(at.getTime());
    expect(parseTimestamp('17e8', 'unix')).toBeUndefined();
    expect(parseTimestamp('1700000000', 'iso8601')).toBeUndefined();
    expect(parseTimestamp('2026-11-30', 'iso8601')).toBeUndefined();
  });
});

describe('hmac signature layouts', () => {
  const list = { separator: ',', signatureKey: 'v1', timestampKey: 't' };

  it('reads every v1 of a t=..,v1=..,v1=.. list, and its time', () => {
    expect(readSignatures('t=17,v1=aa,v0=zz,v1=bb', '', list)).toEqual({ signatures: ['aa', 'bb'], timestamp: '17' });
    expect(readSignatures('v1=aa, v1=bb', '', { separator: ',', signatureKey: 'v1' })).toEqual({ signatures: ['aa', 'bb'] });
    expect(readSignatures('ts=17;h1=aa', '', { separator: ';', signatureKey: 'h1', timestampKey: 'ts' })).toEqual({
      signatures: ['aa'],
      timestamp: '17',
    });
  });

  it('refuses a list without signatures or with no single time, and a plain value without its prefix', () => {
    expect(readSignatures('t=17', '', list)).toBeUndefined();
    expect(readSignatures('v1=aa', '', list)).toBeUndefined();
    expect(readSignatures('t=1,t=2,v1=aa', '', list)).toBeUndefined();
    expect(readSignatures('sha1=aa', 'sha256=', undefined)).toBeUndefined();
    expect(readSignatures('sha256=aa', 'sha256=', undefined)).toEqual({ signatures: ['aa'] });
  });

  it('writes what it reads back', () => {
    expect(readSignatures(writeSignature('aa', '', list, '17'), '', list)).toEqual({ signatures: ['aa'], timestamp: '17' });
    expect(writeSignature('aa', 'sha256=', undefined, undefined)).toBe('sha256=aa');
  });

  it('base64url digests drop the padding', () => {
    expect(digest('sha1', 'k', ['x'], 'base64url')).not.toMatch(/=$/);
    expect(Buffer.from(digest('sha256', 'k', ['x'], 'base64url'), 'base64url').toString('hex')).toBe(digest('sha256', 'k', ['x'], 'hex'));
  });
});
