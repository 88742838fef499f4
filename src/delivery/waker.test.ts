import { describe, expect, it } from 'vitest';
import { Waker, withDeadline } from './waker.ts';

const HOUR = 3_600_000;

describe('Waker', () => {
  it('returns at once after a notify that came while awake, once', async () => {
    const waker = new Waker();
    waker.notify();
    expect(waker.pending).toBe(true);
    await waker.sleep(HOUR);
    expect(waker.pending).toBe(false);
  });

  it('cuts a long sleep short on notify', async () => {
    const waker = new Waker();
    const sleeping = waker.sleep(HOUR);
    waker.notify();
    await sleeping;
    expect(waker.pending).toBe(false);
  });

  it('ends a sleep on its own when nobody notifies', async () => {
    await new Waker().sleep(5);
  });
});

describe('withDeadline', () => {
  it('resolves with the promise, rejection included', async () => {
    await withDeadline(Promise.reject(new Error('x')), HOUR);
    await withDeadline(Promise.resolve(1), HOUR);
  });

  it('resolves at the deadline when the promise never settles', async () => {
    await withDeadline(new Promise(() => {}), 5);
  });
});
