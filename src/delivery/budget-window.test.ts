import { describe, expect, it } from 'vitest';
import type { BudgetUnit, BudgetWindow } from './budget-window.ts';
import { budgetWindow, heldUntil, pauseUntil, planBudgetClaim, unitCounts, unitSpent } from './budget-window.ts';

const PER = 1_000;

function ended(spentAt: number, endsAt: number): BudgetUnit {
  return { spentAt, endsAt };
}
function inFlight(spentAt: number): BudgetUnit {
  return { spentAt, endsAt: null };
}

describe('unitCounts', () => {
  const cases: Array<[string, BudgetUnit, number, boolean]> = [
    ['an ended unit counts until per after its end', ended(0, 100), 1_099, true],
    ['it leaves exactly per after its end', ended(0, 100), 1_100, false],
    ['long after', ended(0, 100), 50_000, false],
    ['a unit in flight always counts, however old', inFlight(0), 1_000_000, true],
    ['a slow request counts from its end, not its start', ended(0, 900), 1_500, true],
  ];
  it.each(cases)('%s', (_name, unit, now, expected) => {
    expect(unitCounts(unit, PER, now)).toBe(expected);
  });
});

describe('budgetWindow', () => {
  const cases: Array<[string, BudgetUnit[], number, number, { used: number; room: number; nextRoomAt: number | null }]> = [
    ['empty budget has all its room', [], 3, 0, { used: 0, room: 3, nextRoomAt: null }],
    ['partly used', [ended(0, 10), ended(5, 20)], 3, 100, { used: 2, room: 1, nextRoomAt: null }],
    [
      'full: room when the earliest ending unit leaves',
      [ended(0, 10), ended(5, 20), ended(6, 30)],
      3,
      100,
      {
        used: 3,
        room: 0,
        nextRoomAt: 1_010,
      },
    ],
    [
      'units that left no longer count',
      [ended(0, 10), ended(500, 600), ended(700, 800)],
      3,
      1_010,
      {
        used: 2,
        room: 1,
        nextRoomAt: null,
      },
    ],
    [
      'in-flight units count but never name a time',
      [inFlight(0), inFlight(5), ended(6, 30)],
      3,
      100,
      {
        used: 3,
        room: 0,
        nextRoomAt: 1_030,
      },
    ],
    ['full of in-flight units: no time to name', [inFlight(0), inFlight(5)], 2, 100, { used: 2, room: 0, nextRoomAt: null }],
    // A limit lowered by a reload: 4 counted, limit 2, so three must leave before one fits.
    [
      'over a lowered limit: wait for enough units to leave',
      [ended(0, 40), ended(0, 10), ended(0, 30), ended(0, 20)],
      2,
      100,
      {
        used: 4,
        room: 0,
        nextRoomAt: 1_030,
      },
    ],
    ['over the limit with too few ended units', [inFlight(0), inFlight(0), ended(0, 10)], 1, 100, { used: 3, room: 0, nextRoomAt: null }],
  ];
  it.each(cases)('%s', (_name, units, limit, now, expected) => {
    expect(budgetWindow(units, limit, PER, now)).toEqual(expected);
  });

  it('never lets more than limit units count in any window, sending whenever it says there is room', () => {
    // Simulate a worker that sends as soon as the window has room, each request taking 0-300 ms.
    const limit = 5;
    const units: BudgetUnit[] = [];
    let now = 0;
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    while (now < 20_000) {
      const window = budgetWindow(units, limit, PER, now);
      if (window.room > 0) {
        units.push(ended(now, now + Math.floor(random() * 300)));
        now += Math.floor(random() * 50);
      } else {
        now = window.nextRoomAt ?? now + 1;
      }
    }
    // The target sees each request at its end at the latest: no window of PER holds more than limit ends.
    const ends = units.map((u) => u.endsAt ?? 0).sort((a, b) => a - b);
    for (let i = limit; i < ends.length; i++) expect(ends[i]! - ends[i - limit]!).toBeGreaterThanOrEqual(PER);
    expect(units.length).toBeGreaterThan(80);
  });
});

describe('planBudgetClaim', () => {
  const a1 = { id: 'dlv_a1', target: 'a', createdAt: 1 };
  const a2 = { id: 'dlv_a2', target: 'a', createdAt: 4 };
  const b1 = { id: 'dlv_b1', target: 'b', createdAt: 2 };
  const b2 = { id: 'dlv_b2', target: 'b', createdAt: 3 };
  const all = [a2, b2, a1, b1];
  const cases: Array<[string, Array<[string, number]>, number, string[], string[]]> = [
    // name, caps, room, picked, over
    [
      'oldest first across targets; the rest is over',
      [
        ['a', 5],
        ['b', 5],
      ],
      3,
      ['dlv_a1', 'dlv_b1', 'dlv_b2'],
      ['dlv_a2'],
    ],
    [
      'no room: everything is over',
      [
        ['a', 5],
        ['b', 5],
      ],
      0,
      [],
      ['dlv_a1', 'dlv_b1', 'dlv_b2', 'dlv_a2'],
    ],
    [
      'a target at its cap waits its turn while room is left',
      [
        ['a', 1],
        ['b', 5],
      ],
      4,
      ['dlv_a1', 'dlv_b1', 'dlv_b2'],
      [],
    ],
    [
      'after the room is used up, even a capped target is over',
      [
        ['a', 1],
        ['b', 5],
      ],
      2,
      ['dlv_a1', 'dlv_b1'],
      ['dlv_b2', 'dlv_a2'],
    ],
    [
      'a target that cannot send now gives its turn away (and is over once the room is gone)',
      [
        ['a', 0],
        ['b', 5],
      ],
      2,
      ['dlv_b1', 'dlv_b2'],
      ['dlv_a2'],
    ],
    ['a target without a cap takes no part', [['b', 1]], 4, ['dlv_b1'], []],
    [
      'room beyond the candidates',
      [
        ['a', 9],
        ['b', 9],
      ],
      10,
      ['dlv_a1', 'dlv_b1', 'dlv_b2', 'dlv_a2'],
      [],
    ],
  ];
  it.each(cases)('%s', (_name, caps, room, picked, over) => {
    const plan = planBudgetClaim(all, new Map(caps), room);
    expect(plan.picked.map((c) => c.id)).toEqual(picked);
    expect(plan.over.map((c) => c.id)).toEqual(over);
  });

  it('breaks a tie in creation time by id', () => {
    const x = { id: 'dlv_2', target: 'a', createdAt: 5 };
    const y = { id: 'dlv_1', target: 'b', createdAt: 5 };
    expect(
      planBudgetClaim(
        [x, y],
        new Map([
          ['a', 1],
          ['b', 1],
        ]),
        1,
      ),
    ).toEqual({ picked: [y], over: [x] });
  });
});

describe('unitSpent', () => {
  const cases: Array<[string, number | null, { requestSent: boolean } | null, boolean]> = [
    ['2xx spends its unit', 200, null, true],
    ['a 429 gives it back', 429, null, false],
    ['a 503 keeps it (the request reached the target)', 503, null, true],
    ['another 4xx keeps it', 400, null, true],
    ['never connected gives it back', null, { requestSent: false }, false],
    ['a timeout after the request was written keeps it', null, { requestSent: true }, true],
  ];
  it.each(cases)('%s', (_name, statusCode, error, expected) => {
    expect(unitSpent({ statusCode, error })).toBe(expected);
  });
});

describe('pauseUntil', () => {
  it('uses Retry-After, however long', () => expect(pauseUntil(3_600_000, 1_000)).toBe(3_601_000));
  it('pauses 60 s when the 429 says nothing', () => expect(pauseUntil(null, 1_000)).toBe(61_000));
  it('Retry-After: 0 opens at once', () => expect(pauseUntil(0, 1_000)).toBe(1_000));
});

describe('heldUntil', () => {
  const full: BudgetWindow = { used: 3, room: 0, nextRoomAt: 5_000 };
  const allInFlight = { used: 3, room: 0, nextRoomAt: null };
  const open = { used: 1, room: 2, nextRoomAt: null };
  const cases: Array<[string, BudgetWindow, number | null, number]> = [
    ['full: until a unit leaves', full, null, 5_000],
    ['full of in-flight units: look again soon', allInFlight, null, 1_250],
    ['paused, with room: until the pause ends', open, 9_000, 9_000],
    ['paused and full beyond the pause: until both allow', { used: 3, room: 0, nextRoomAt: 12_000 }, 9_000, 12_000],
    ['a pause already over is ignored', full, 500, 5_000],
  ];
  it.each(cases)('%s', (_name, window, pausedUntil, expected) => {
    expect(heldUntil(window, pausedUntil, 1_000, 250)).toBe(expected);
  });
});
