/**
 * The worker's idle wait: a sleep that `notify()` cuts short. A notify that comes while nobody is
 * sleeping is kept, so the next sleep returns at once and no wake-up is ever lost between a look
 * at the store and the sleep that follows it.
 */
export class Waker {
  #pending = false;
  #wake: (() => void) | null = null;

  /** True when a notify is waiting to cut the next sleep short. */
  get pending(): boolean {
    return this.#pending;
  }

  notify(): void {
    this.#pending = true;
    this.#wake?.();
  }

  sleep(ms: number): Promise<void> {
    if (this.#pending || ms <= 0) {
      this.#pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.#wake = null;
        this.#pending = false;
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#wake = wake;
    });
  }
}

/** Resolves when `promise` settles or after `ms`, whichever comes first; never rejects. */
export function withDeadline(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, Math.max(0, ms));
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    promise.then(done, done);
  });
}
