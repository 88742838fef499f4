import { describe, expect, it } from 'vitest';
import { parseBody } from './parse-body.ts';

describe('parseBody', () => {
  it('parses JSON whatever the content type says', () => {
    expect(parseBody(Buffer.from('{"a":1}'), 'application/json; charset=utf-8')).toEqual({ a: 1 });
    expect(parseBody(Buffer.from('[1]'), undefined)).toEqual([1]);
  });
  it('parses a form body flat and the JSON in its payload field (Slack interactivity)', () => {
    const body = `token=x&payload=${encodeURIComponent('{"type":"block_actions","user":{"id":"U1"}}')}`;
    expect(parseBody(Buffer.from(body), 'application/x-www-form-urlencoded')).toEqual({
      token: 'x',
      payload: { type: 'block_actions', user: { id: 'U1' } },
    });
  });
  it('keeps a plain form body flat (slash command)', () => {
    expect(parseBody(Buffer.from('command=%2Fdeploy&text=prod'), 'application/x-www-form-urlencoded')).toEqual({
      command: '/deploy',
      text: 'prod',
    });
  });
  it.each([
    ['not json', 'application/json', /not valid JSON/],
    ['', 'application/json', /empty body/],
    ['payload=%7Bnope', 'application/x-www-form-urlencoded', /payload/],
  ])('refuses %j with a 400 error', (raw, type, message) => {
    expect(() => parseBody(Buffer.from(raw), type)).toThrow(message);
    try {
      parseBody(Buffer.from(raw), type);
    } catch (err) {
      expect((err as { status: number }).status).toBe(400);
    }
  });
});
