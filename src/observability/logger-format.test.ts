/** LOG_FORMAT: pretty on a terminal, JSON elsewhere, either when asked; a wrong value is named. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createRouterLogger, logFormatFrom } from './logger.ts';

describe('logFormatFrom', () => {
  it.each<[string | undefined, boolean, string]>([
    [undefined, true, 'pretty'],
    [undefined, false, 'json'],
    ['', true, 'pretty'],
    ['json', true, 'json'],
    ['pretty', false, 'pretty'],
    [' Pretty ', false, 'pretty'],
    ['yaml', false, 'LOG_FORMAT "yaml" is not json or pretty'],
  ])('LOG_FORMAT=%s on a terminal: %s → %s', (value, terminal, expected) => {
    expect(logFormatFrom(value, terminal)).toBe(expected);
  });
});

describe('createRouterLogger', () => {
  function capture(): { stream: Writable; text: () => string } {
    const chunks: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk.toString('utf8'));
        done();
      },
    });
    return { stream, text: () => chunks.join('') };
  }

  it('writes readable lines with LOG_FORMAT=pretty, secrets still redacted', async () => {
    const out = capture();
    const made = createRouterLogger({ LOG_FORMAT: 'pretty' }, { stream: out.stream });
    if (typeof made === 'string') throw new Error(made);
    made.logger.info({ headers: { authorization: 'Bearer sk-secret' }, route: 'r1' }, 'event received');
    await made.destination.flush();
    expect(out.text()).toMatch(/INFO.*event received/);
    expect(out.text()).toContain('route: "r1"');
    expect(out.text()).not.toContain('sk-secret');
    expect(() => JSON.parse(out.text())).toThrow();
  });

  it('writes one JSON object per line with LOG_FORMAT=json at LOG_LEVEL', async () => {
    const out = capture();
    const made = createRouterLogger({ LOG_FORMAT: 'json', LOG_LEVEL: 'warn' }, { stream: out.stream });
    if (typeof made === 'string') throw new Error(made);
    made.logger.info('not at warn');
    made.logger.warn({ route: 'r1' }, 'dead letter');
    await made.destination.flush();
    const lines = out.text().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 40, msg: 'dead letter', route: 'r1' });
  });

  it('refuses an unknown LOG_FORMAT', () => {
    expect(createRouterLogger({ LOG_FORMAT: 'xml' }, { stream: capture().stream })).toBe('LOG_FORMAT "xml" is not json or pretty');
  });
});
