/**
 * The logger's last line of defence: whatever a log call is handed, credentials in headers and
 * fields named like secrets come out as [redacted], never as their value.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, REDACT_PATHS } from './logger.ts';

function capture(): { stream: Writable; lines: () => Array<Record<string, unknown>>; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return {
    stream,
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('createLogger redaction', () => {
  it('censors every signature and credential header it knows, and keeps the other headers', () => {
    const out = capture();
    const logger = createLogger({ destination: out.stream });
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Stripe/1.0' };
    const secretHeaders = REDACT_PATHS.filter((p) => p.startsWith('headers')).map((p) => p.replace(/^headers\.|^headers\["|"\]$/g, ''));
    for (const name of secretHeaders) headers[name] = `SECRET-${name}`;
    logger.info({ headers }, 'request');
    const [line] = out.lines();
    const logged = line!.headers as Record<string, string>;
    for (const name of secretHeaders) expect(logged[name], name).toBe('[redacted]');
    expect(logged['content-type']).toBe('application/json');
    expect(out.text()).not.toContain('SECRET-');
    expect(secretHeaders).toEqual(
      expect.arrayContaining(['authorization', 'stripe-signature', 'x-hub-signature-256', 'webhook-signature']),
    );
  });

  it('censors token, secret, secrets and password one level down, whatever the object is called', () => {
    const out = capture();
    const logger = createLogger({ destination: out.stream });
    logger.warn(
      {
        target: { name: 'onboarding', token: 'sk-ant-XYZ' },
        verify: { secret: 'whsec_abc', secrets: ['whsec_1'] },
        admin: { password: 'hunter2' },
      },
      'config',
    );
    const [line] = out.lines();
    expect(line).toMatchObject({
      target: { name: 'onboarding', token: '[redacted]' },
      verify: { secret: '[redacted]', secrets: '[redacted]' },
      admin: { password: '[redacted]' },
    });
    expect(out.text()).not.toMatch(/sk-ant-XYZ|whsec_|hunter2/);
  });

  it('does not change the object the caller logged', () => {
    const out = capture();
    const logger = createLogger({ destination: out.stream });
    const headers = { authorization: 'Bearer abc' };
    logger.info({ headers }, 'request');
    expect(headers.authorization).toBe('Bearer abc');
  });

  it('censors credential headers whatever their case, and secret fields at the top level too', () => {
    const out = capture();
    const logger = createLogger({ destination: out.stream });
    logger.info({ headers: { Authorization: 'Bearer abc', 'Stripe-Signature': 't=1,v1=ff' }, token: 'sk-ant-top' }, 'request');
    const [line] = out.lines();
    expect(line).toMatchObject({ headers: { Authorization: '[redacted]', 'Stripe-Signature': '[redacted]' }, token: '[redacted]' });
    expect(out.text()).not.toMatch(/Bearer abc|v1=ff|sk-ant-top/);
  });

  it('logs a line without secrets exactly as given (arrays, nested objects, errors untouched)', () => {
    const out = capture();
    const logger = createLogger({ destination: out.stream });
    const fields = {
      eventId: 'evt_1',
      deliveries: [{ id: 'dlv_1', route: 'r', target: 't' }],
      detail: { status: 202, tokens: 3 },
    };
    logger.info(fields, 'event received');
    const [line] = out.lines();
    expect(line).toMatchObject(fields);
  });
});
