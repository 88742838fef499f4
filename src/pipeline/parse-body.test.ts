import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HookgateError } from '../errors.ts';
import { jsonDepth, MAX_JSON_DEPTH, parseBody } from './parse-body.ts';

function nested(depth: number): string {
  return `${'{"a":'.repeat(depth - 1)}[1]${'}'.repeat(depth - 1)}`;
}

function failure(raw: string | Buffer, type: string | undefined): HookgateError {
  try {
    parseBody(typeof raw === 'string' ? Buffer.from(raw) : raw, type);
  } catch (err) {
    if (err instanceof HookgateError) return err;
    throw err;
  }
  throw new Error('expected parseBody to refuse the body');
}

describe('parseBody', () => {
  it.each([
    ['application/json; charset=utf-8'],
    [undefined],
    ['text/plain'],
    ['application/octet-stream'],
    ['application/cloudevents+json'],
  ])('parses JSON as JSON whatever the content type says (%s)', (type) => {
    expect(parseBody(Buffer.from('{"a":1}'), type)).toEqual({ a: 1 });
    expect(parseBody(Buffer.from('[1]'), type)).toEqual([1]);
  });

  it('parses a JSON object labelled as a form (curl -d) as JSON, not as one field named after the body', () => {
    expect(parseBody(Buffer.from('{"type":"order.created","id":"o-1"}'), 'application/x-www-form-urlencoded')).toEqual({
      type: 'order.created',
      id: 'o-1',
    });
    expect(parseBody(Buffer.from(' [{"a":1}]'), 'application/x-www-form-urlencoded; charset=utf-8')).toEqual([{ a: 1 }]);
  });

  it('parses a form body flat and the JSON in its payload field (Slack interactivity)', () => {
    const body = `token=x&payload=${encodeURIComponent('{"type":"block_actions","user":{"id":"U1"}}')}`;
    expect(parseBody(Buffer.from(body), 'application/x-www-form-urlencoded')).toEqual({
      token: 'x',
      payload: { type: 'block_actions', user: { id: 'U1' } },
    });
  });

  it('keeps a plain form body flat (slash command), and a form field that starts with { but is not JSON', () => {
    expect(parseBody(Buffer.from('command=%2Fdeploy&text=prod'), 'application/x-www-form-urlencoded')).toEqual({
      command: '/deploy',
      text: 'prod',
    });
    expect(parseBody(Buffer.from('{a=1'), 'application/x-www-form-urlencoded')).toEqual({ '{a': '1' });
  });

  it.each([
    ['not json', 'application/json', 'BODY_UNPARSEABLE', /not valid JSON/],
    ['a=1&b=2', undefined, 'BODY_UNPARSEABLE', /not valid JSON/],
    ['', 'application/json', 'BODY_UNPARSEABLE', /empty body/],
    ['payload=%7Bnope', 'application/x-www-form-urlencoded', 'BODY_UNPARSEABLE', /form field `payload` is not valid JSON/],
  ])('refuses %j (%s) with 400 %s', (raw, type, code, message) => {
    const error = failure(raw, type);
    expect(error).toMatchObject({ code, status: 400 });
    expect(error.message).toMatch(message);
  });

  it(`accepts JSON nested exactly ${MAX_JSON_DEPTH} levels, refuses ${MAX_JSON_DEPTH + 1} with 400 BODY_TOO_DEEP`, () => {
    expect(jsonDepth(Buffer.from(nested(MAX_JSON_DEPTH)))).toBe(MAX_JSON_DEPTH);
    expect(() => parseBody(Buffer.from(nested(MAX_JSON_DEPTH)), 'application/json')).not.toThrow();
    const error = failure(nested(MAX_JSON_DEPTH + 1), 'application/json');
    expect(error).toMatchObject({ code: 'BODY_TOO_DEEP', status: 400 });
    expect(error.message).toBe('JSON nested deeper than 512 levels: body');
  });

  it('refuses ~4,000 and 100,000 levels (the depth that overflowed the stack) without throwing anything but a 400', () => {
    for (const depth of [4_000, 100_000]) {
      expect(failure(`${'['.repeat(depth)}${']'.repeat(depth)}`, 'text/plain')).toMatchObject({ code: 'BODY_TOO_DEEP', status: 400 });
    }
  });

  it("refuses a form's payload field nested too deep, naming the field", () => {
    const body = `payload=${encodeURIComponent(nested(MAX_JSON_DEPTH + 1))}`;
    expect(failure(body, 'application/x-www-form-urlencoded')).toMatchObject({
      code: 'BODY_TOO_DEEP',
      message: 'JSON nested deeper than 512 levels: form field `payload`',
    });
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ s: `${'['.repeat(1_000)}\\"{{{`, t: ['"]]]'], u: 'é[ü{' });
    expect(jsonDepth(Buffer.from(text))).toBe(2);
    expect(parseBody(Buffer.from(text), 'application/json')).toEqual(JSON.parse(text));
  });

  it('measures the same depth as a recursive walk of the parsed value, for any JSON value', () => {
    function walk(value: unknown): number {
      if (value === null || typeof value !== 'object') return 0;
      const children = Array.isArray(value) ? value : Object.values(value as Record<string, unknown>);
      return 1 + Math.max(0, ...children.map(walk));
    }
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
        expect(jsonDepth(Buffer.from(JSON.stringify(value)))).toBe(walk(value));
      }),
    );
  });
});
