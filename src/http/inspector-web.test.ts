/**
 * The inspector's pure browser helpers (web/format.js, web/chart-data.js), loaded as the browser
 * loads them: plain ES modules without imports. Typed here by the shape the page relies on.
 */
import { describe, expect, it } from 'vitest';
import { WEB_DIR } from './inspector.ts';

interface DeliveryLike {
  readonly status: string;
  readonly dead_reason: string | null;
}
interface Bucket {
  readonly at: string;
  readonly events: number;
  readonly ignored: number;
  readonly delivered: number;
  readonly dead: number;
}
interface FormatModule {
  statusWord(d: DeliveryLike): string;
  canReplay(d: DeliveryLike): boolean;
  safeHttpUrl(text: string): string | null;
}
interface ChartDataModule {
  fillBuckets(stats: { since: string; until: string; bucket_seconds: number; items: Bucket[] }): Bucket[];
}

// A path in a variable: the type-checker does not follow it into the untyped JavaScript.
const formatPath = `${WEB_DIR}/format.js`;
const chartPath = `${WEB_DIR}/chart-data.js`;
const format = (await import(formatPath)) as FormatModule;
const chart = (await import(chartPath)) as ChartDataModule;

describe('statusWord and canReplay', () => {
  it.each([
    ['pending', null, 'pending', false],
    ['in_flight', null, 'pending', false],
    ['delivered', null, 'delivered', false],
    ['dead', 'rejected', 'dead', true],
    ['dead', 'exhausted', 'dead', true],
    ['dead', 'map_error', 'dead', true],
    ['dead', 'unknown', 'unknown', true],
    ['held', null, 'held', false],
  ])('%s (%s) shows "%s"; Replay offered: %s', (status, reason, word, replay) => {
    expect(format.statusWord({ status, dead_reason: reason })).toBe(word);
    expect(format.canReplay({ status, dead_reason: reason })).toBe(replay);
  });
});

describe('safeHttpUrl (a session link comes from the target answer)', () => {
  it.each([
    ['https://claude.ai/code/session_01', 'https://claude.ai/code/session_01'],
    ['http://127.0.0.1:8787/x', 'http://127.0.0.1:8787/x'],
    ['javascript:alert(1)', null],
    [' JavaScript:alert(1)', null],
    ['data:text/html,<script>alert(1)</script>', null],
    ['/relative/path', null],
    ['not a url', null],
  ])('%s → %s', (text, expected) => {
    expect(format.safeHttpUrl(text)).toBe(expected);
  });
});

describe('fillBuckets', () => {
  it('gives one bucket per step from since to until, zeros where the API listed none', () => {
    const filled = chart.fillBuckets({
      since: '2026-05-01T09:00:00.000Z',
      until: '2026-05-01T09:04:00.000Z',
      bucket_seconds: 60,
      items: [{ at: '2026-05-01T09:02:00.000Z', events: 3, ignored: 1, delivered: 2, dead: 0 }],
    });
    expect(filled.map((b) => [b.at.slice(11, 16), b.events])).toEqual([
      ['09:00', 0],
      ['09:01', 0],
      ['09:02', 3],
      ['09:03', 0],
    ]);
  });
});
