/**
 * Where log lines go, built so that a failing destination never stops the router. Writes are
 * asynchronous (fs on the descriptor, so even a pipe nobody reads never blocks the event loop,
 * as process.stdout on a Linux pipe would); a line is dropped and counted instead of written when
 * the destination has failed (disk full, closed pipe) or holds too much unwritten output. After a
 * failure the descriptor is tried again a little later, so logging resumes once space is freed.
 */
import { createWriteStream } from 'node:fs';

export interface SafeDestination {
  /** pino's destination interface: one serialized line (with its newline) per call. */
  write(line: string): boolean;
  /** Lines dropped so far. */
  dropped(): number;
  /** Wait until what was accepted is written (or the time is up), e.g. before the process exits. */
  flush(timeoutMs?: number): Promise<void>;
}

export interface SafeDestinationOptions {
  /** A file descriptor to write to (default 1, standard output). Ignored when `stream` is given. */
  readonly fd?: number;
  /** A stream instead of a descriptor (tests, embeddings). Once it fails it is not tried again. */
  readonly stream?: NodeJS.WritableStream & { readonly writableLength?: number; readonly destroyed?: boolean };
  /** Unwritten bytes beyond which new lines are dropped (default 4 MiB). */
  readonly maxBufferedBytes?: number;
  /** How long after a failure the descriptor is tried again (default 5 s). */
  readonly retryAfterMs?: number;
  /** Turns a JSON line into what is written (LOG_FORMAT=pretty). */
  readonly format?: (line: string) => string;
  readonly now?: () => number;
}

type Target = NodeJS.WritableStream & { readonly writableLength?: number; readonly destroyed?: boolean };

export function createSafeDestination(options: SafeDestinationOptions = {}): SafeDestination {
  const max = options.maxBufferedBytes ?? 4 * 1024 * 1024;
  const retryAfterMs = options.retryAfterMs ?? 5_000;
  const now = options.now ?? Date.now;
  const format = options.format;
  const fd = options.fd ?? 1;
  let dropped = 0;
  /** Lines handed to a stream whose write callback has not come yet. */
  let pending = 0;
  let target: Target | null = null;
  let retryAt = 0;

  function open(): Target | null {
    if (options.stream) return options.stream.destroyed ? null : options.stream;
    // autoClose false: the descriptor outlives a failed stream, so it can be tried again.
    return createWriteStream('', { fd, autoClose: false, emitClose: false });
  }

  function attach(stream: Target): Target {
    stream.on('error', function logDestinationFailed() {
      // Every line still queued in it is reported through its write callback, with an error.
      if (target !== stream) return;
      target = null;
      retryAt = options.stream ? Number.POSITIVE_INFINITY : now() + retryAfterMs;
    });
    return stream;
  }

  function written(error?: Error | null): void {
    pending--;
    if (error) dropped++;
  }

  target = (() => {
    const first = open();
    return first ? attach(first) : null;
  })();
  if (target === null) retryAt = Number.POSITIVE_INFINITY;

  return {
    write(line: string): boolean {
      if (target === null) {
        if (now() < retryAt) {
          dropped++;
          return true;
        }
        const reopened = open();
        if (reopened === null) {
          retryAt = Number.POSITIVE_INFINITY;
          dropped++;
          return true;
        }
        target = attach(reopened);
      }
      if (target.destroyed === true || (target.writableLength ?? 0) > max) {
        dropped++;
        return true;
      }
      pending++;
      target.write(format ? format(line) : line, written);
      return true;
    },
    dropped: () => dropped,
    async flush(timeoutMs = 2_000): Promise<void> {
      const deadline = now() + timeoutMs;
      while (target !== null && pending > 0 && now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    },
  };
}
