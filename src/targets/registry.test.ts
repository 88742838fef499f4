import { describe, expect, it } from 'vitest';
import { kindOfConfig, TARGET_KINDS, targetKind } from './registry.ts';
import { ANTHROPIC_VERSION, ROUTINE_DEFAULT_BETA } from './routine.ts';

const routine = targetKind('routine');
const url = targetKind('url');

describe('target kind registry', () => {
  it('knows each kind by name and by its routes.yaml field', () => {
    expect(TARGET_KINDS.map((kind) => [kind.name, kind.field])).toEqual([
      ['url', 'url'],
      ['routine', 'routine'],
    ]);
    expect(kindOfConfig({ url: 'https://x.example' })).toBe(url);
    expect(kindOfConfig({ routine: { url: 'https://x.example', token: 't' } })).toBe(routine);
    expect(kindOfConfig({ headers: {} })).toBeNull();
  });

  it('keeps kinds frozen', () => {
    expect(Object.isFrozen(routine)).toBe(true);
    expect(Object.isFrozen(url)).toBe(true);
  });
});

describe('url kind', () => {
  it('sends JSON with the bearer credential and the extra headers, names in lower case', () => {
    const endpoint = url.endpoint({ url: 'https://billing.example/hooks', auth: { bearer: 'tok' }, headers: { 'X-Team': 'growth' } });
    expect(endpoint).toEqual({
      url: 'https://billing.example/hooks',
      headers: { 'content-type': 'application/json', 'x-team': 'growth', authorization: 'Bearer tok' },
    });
  });

  it('sends basic credentials as base64(username:password)', () => {
    const endpoint = url.endpoint({ url: 'https://b.example', auth: { basic: { username: 'ann', password: 'p:w' } } });
    expect(endpoint.headers.authorization).toBe(`Basic ${Buffer.from('ann:p:w').toString('base64')}`);
  });

  it('sends the mapped value as compact JSON, a string as a JSON string', () => {
    expect(url.encodeBody({ a: [1, 2] }).toString()).toBe('{"a":[1,2]}');
    expect(url.encodeBody('hi').toString()).toBe('"hi"');
  });

  it('is sent at least once: no sending mark, no session link, kept-alive connections', () => {
    expect(url.atMostOnce).toBe(false);
    expect(url.freshConnection).toBe(false);
    expect(url.readSession(Buffer.from('{"claude_code_session_id":"session_1"}'))).toBeNull();
    expect(url.check({ url: 'https://x.example', auth: { bearer: 't' } })).toEqual([]);
  });
});

describe('routine kind', () => {
  it('sends the routine token, anthropic-version and the beta header', () => {
    const endpoint = routine.endpoint({ routine: { url: 'https://api.example/fire', token: 'sk-ant-oat01-x' } });
    expect(endpoint).toEqual({
      url: 'https://api.example/fire',
      headers: {
        'content-type': 'application/json',
        authorization: 'Bearer sk-ant-oat01-x',
        'anthropic-version': ANTHROPIC_VERSION,
        'anthropic-beta': ROUTINE_DEFAULT_BETA,
      },
    });
  });

  it('never lets auth or an Authorization header replace the routine token', () => {
    const endpoint = routine.endpoint({
      routine: { url: 'https://api.example/fire', token: 'the-token', beta: 'beta-2' },
      auth: { bearer: 'other' },
      headers: { Authorization: 'Bearer other', 'X-Extra': '1' },
    });
    expect(endpoint.headers.authorization).toBe('Bearer the-token');
    expect(endpoint.headers['anthropic-beta']).toBe('beta-2');
    expect(endpoint.headers['x-extra']).toBe('1');
  });

  it('wraps the mapped value as {"text": ...}: a string as is, anything else as compact JSON', () => {
    expect(JSON.parse(routine.encodeBody('hello\nworld').toString())).toEqual({ text: 'hello\nworld' });
    expect(JSON.parse(routine.encodeBody({ a: 1, b: [true] }).toString())).toEqual({ text: '{"a":1,"b":[true]}' });
    expect(JSON.parse(routine.encodeBody(42).toString())).toEqual({ text: '42' });
  });

  it('reads the session a fire started', () => {
    const body = Buffer.from(
      JSON.stringify({
        type: 'routine_fire',
        claude_code_session_id: 'session_01',
        claude_code_session_url: 'https://claude.ai/code/session_01',
      }),
    );
    expect(routine.readSession(body)).toEqual({ id: 'session_01', url: 'https://claude.ai/code/session_01' });
    expect(routine.readSession(Buffer.from('{"claude_code_session_id":"s"}'))).toEqual({ id: 's', url: '' });
    expect(routine.readSession(Buffer.from('{"claude_code_session_id":""}'))).toBeNull();
    expect(routine.readSession(Buffer.from('not json'))).toBeNull();
    expect(routine.readSession(Buffer.from('[1]'))).toBeNull();
  });

  it('is sent at most once, on a fresh connection', () => {
    expect(routine.atMostOnce).toBe(true);
    expect(routine.freshConnection).toBe(true);
  });

  it('refuses auth and an Authorization header in any case', () => {
    const problems = routine.check({ routine: {}, auth: { bearer: 'x' }, headers: { AUTHORIZATION: 'x', 'x-ok': 'y' } });
    expect(problems.map((p) => [p.path, p.code])).toEqual([
      [['auth'], 'routine-auth'],
      [['headers', 'AUTHORIZATION'], 'routine-auth'],
    ]);
  });
});
