import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../store/types.ts';
import { bodyFields, EVENT_FILE_FORMAT, EventFileError, eventFileName, parseEventFile, toEventFile } from './event-file.ts';

function stored(rawBody: Buffer, overrides: Partial<StoredEvent> = {}): StoredEvent {
  return {
    id: 'evt_1',
    provider: 'backend',
    eventType: 'order',
    dedupKey: 'k-1',
    receivedAt: Date.parse('2026-11-30T05:15:02.123Z'),
    configSha256: 'abc',
    headers: { 'content-type': 'application/json', 'x-request-id': 'r-1' },
    rawBody,
    status: 'accepted',
    ignored: [],
    ...overrides,
  };
}

/** Written as export writes it, read back as plan reads it. */
function roundTrip(raw: Buffer): Buffer {
  const event = stored(raw);
  const text = JSON.stringify(toEventFile(event, event.headers, event.rawBody), null, 2);
  return parseEventFile(text, 'f.json').rawBody;
}

describe('event files', () => {
  it('keeps a JSON body as JSON, readable in a pull request, and reads back the same value', () => {
    const raw = Buffer.from('{\n  "id": "evt_1",\n  "amount": 1.5\n}');
    expect(bodyFields(raw)).toEqual({ body: { id: 'evt_1', amount: 1.5 } });
    expect(JSON.parse(roundTrip(raw).toString('utf8'))).toEqual({ id: 'evt_1', amount: 1.5 });
  });

  it('keeps any other body byte for byte: text as text, other bytes as base64', () => {
    const form = Buffer.from('payload=%7B%22a%22%3A1%7D&token=x');
    expect(bodyFields(form)).toEqual({ bodyText: form.toString('utf8') });
    expect(roundTrip(form).equals(form)).toBe(true);
    const binary = Buffer.from([0xff, 0x00, 0xfe, 0x7b]);
    expect(Object.keys(bodyFields(binary))).toEqual(['bodyBase64']);
    expect(roundTrip(binary).equals(binary)).toBe(true);
  });

  it('reads back provider, type, dedup key, time and lower-cased headers', () => {
    const event = stored(Buffer.from('{}'));
    const file = { ...toEventFile(event, { 'X-Request-Id': 'r-1' }, event.rawBody) };
    const read = parseEventFile(JSON.stringify(file), 'f.json');
    expect(read).toMatchObject({
      provider: 'backend',
      eventType: 'order',
      dedupKey: 'k-1',
      receivedAt: event.receivedAt,
      headers: { 'x-request-id': 'r-1' },
    });
  });

  it.each([
    ['not JSON', '{', /f\.json: not JSON/],
    ['no format mark', '{"provider":"p"}', /f\.json: "format" must be "hookgate-event\/1"/],
    [
      'a missing provider',
      JSON.stringify({ format: EVENT_FILE_FORMAT, eventType: 't', dedupKey: 'k', receivedAt: '2026-01-01T00:00:00Z', body: {} }),
      /"provider" must be a non-empty string/,
    ],
    [
      'a bad time',
      JSON.stringify({ format: EVENT_FILE_FORMAT, provider: 'p', eventType: 't', dedupKey: 'k', receivedAt: 'yesterday', body: {} }),
      /"receivedAt" must be an ISO time/,
    ],
    [
      'two bodies',
      JSON.stringify({
        format: EVENT_FILE_FORMAT,
        provider: 'p',
        eventType: 't',
        dedupKey: 'k',
        receivedAt: '2026-01-01T00:00:00Z',
        body: {},
        bodyText: 'x',
      }),
      /exactly one of "body"/,
    ],
    [
      'a header that is no string',
      JSON.stringify({
        format: EVENT_FILE_FORMAT,
        provider: 'p',
        eventType: 't',
        dedupKey: 'k',
        receivedAt: '2026-01-01T00:00:00Z',
        body: {},
        headers: { a: 1 },
      }),
      /"headers\.a" must be a string/,
    ],
  ])('refuses a file with %s, naming the file and the field', (_name, text, message) => {
    expect(() => parseEventFile(text, 'f.json')).toThrow(EventFileError);
    expect(() => parseEventFile(text, 'f.json')).toThrow(message);
  });

  it('names files by arrival, provider and key, and never gives two keys one name', () => {
    const at = Date.parse('2026-11-30T05:15:02.123Z');
    expect(eventFileName({ provider: 'stripe', dedupKey: 'evt_1Q', receivedAt: at })).toBe('20261130T051502.123Z_stripe_evt_1Q.json');
    const a = eventFileName({ provider: 'p', dedupKey: 'a/b', receivedAt: at });
    const b = eventFileName({ provider: 'p', dedupKey: 'a:b', receivedAt: at });
    expect(a).toMatch(/^20261130T051502\.123Z_p_a_b_[0-9a-f]{10}\.json$/);
    expect(a).not.toBe(b);
    expect(eventFileName({ provider: 'p', dedupKey: '../../etc/passwd', receivedAt: at })).not.toContain('/');
  });
});
