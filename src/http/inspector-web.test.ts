/**
 * The inspector's pure browser helpers (web/format.js, web/chart-data.js), loaded as the browser
 * loads them: plain ES modules without imports. Typed here by the shape the page relies on.
 */
import { describe, expect, it } from 'vitest';
import { TARGET_HEALTH } from '../delivery/target-health.ts';
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
interface ShapeView {
  readonly route: string;
  readonly outcome: 'grouped' | 'cooldown';
  readonly until?: string | null;
  readonly group?: {
    readonly key: string;
    readonly status: string;
    readonly count: number;
    readonly fires_at: string;
    readonly fired_at: string | null;
    readonly cooldown_until: string | null;
  } | null;
}
interface FormatModule {
  shapeOutcome(shape: ShapeView): { route: string; word: string; label: string | null; at: string | null; key?: string; count?: number };
  budgetHold(d: DeliveryLike & { held: { budget: string; until: string } | null }): { budget: string; until: string } | null;
  statusWord(d: DeliveryLike): string;
  canReplay(d: DeliveryLike): boolean;
  safeHttpUrl(text: string): string | null;
  TARGET_HEALTH_ORDER: readonly string[];
  targetHealthWord(health: string): { word: string; cls: string };
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

describe('shapeOutcome (an item of the event detail `shaped`) and budgetHold (a delivery `held`)', () => {
  const group = { key: 'A', count: 3, fires_at: '2026-05-01T09:00:30.000Z', fired_at: null, cooldown_until: null };
  it('a grouped event shows its group key, size and when the group fires, or when it fired', () => {
    expect(format.shapeOutcome({ route: 'triage', outcome: 'grouped', group: { ...group, status: 'open' } })).toEqual({
      route: 'triage',
      word: 'grouped',
      key: 'A',
      count: 3,
      label: 'fires',
      at: '2026-05-01T09:00:30.000Z',
    });
    const fired = { ...group, status: 'fired', fired_at: '2026-05-01T09:00:31.000Z' };
    expect(format.shapeOutcome({ route: 'triage', outcome: 'grouped', group: fired })).toMatchObject({
      label: 'fired',
      at: '2026-05-01T09:00:31.000Z',
    });
    const suppressed = { ...group, status: 'cooldown', cooldown_until: '2026-05-01T10:00:00.000Z' };
    expect(format.shapeOutcome({ route: 'triage', outcome: 'grouped', group: suppressed })).toMatchObject({
      label: 'fired while cooling down, nothing sent; until',
      at: '2026-05-01T10:00:00.000Z',
    });
  });

  it('an event held back by a cooldown shows until when', () => {
    expect(format.shapeOutcome({ route: 'triage', outcome: 'cooldown', until: '2026-05-01T10:00:00.000Z' })).toEqual({
      route: 'triage',
      word: 'cooldown',
      label: 'held back until',
      at: '2026-05-01T10:00:00.000Z',
    });
  });

  it('a pending delivery held by a budget shows the budget and until when; a settled one shows no hold', () => {
    const held = { budget: 'runs', until: '2026-05-01T10:00:00.000Z' };
    expect(format.budgetHold({ status: 'pending', dead_reason: null, held })).toEqual(held);
    expect(format.budgetHold({ status: 'pending', dead_reason: null, held: null })).toBeNull();
    expect(format.budgetHold({ status: 'delivered', dead_reason: null, held })).toBeNull();
  });
});

describe('targetHealthWord (the health of GET /admin/targets)', () => {
  it('knows every word the API answers, in the order of urgency the API uses', () => {
    expect(format.TARGET_HEALTH_ORDER).toEqual([...TARGET_HEALTH]);
  });

  it.each([
    ['rate_limited', 'rate limited'],
    ['half_open', 'half open'],
    ['failing', 'failing'],
    ['dead_letters', 'dead letters'],
    ['something_new', 'something_new'],
  ])('%s reads "%s"', (health, word) => {
    expect(format.targetHealthWord(health).word).toBe(word);
  });
});
