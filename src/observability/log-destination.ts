/**
 * Where log lines go, built so that a failing destination never stops the router. Lines are
 * written asynchronously and in batches (one fs.write at a time on the descriptor, with the lines
 * that arrived meanwhile in the next one), so even a pipe nobody reads never blocks the event
 * loop, as process.stdout on a Linux pipe would. A line is dropped and counted instead of written
 * when the destination has failed (disk full, closed pipe) or too much output is waiting. After a
 * failure the descriptor is tried again a little later, so logging resumes once space is freed.
 */
import { write as fsWrite } from 'node:fs';

export interface SafeDestination {
  /** pino's destination interface: one serialized line (with its newline) per call. */
  write(line: string): boolean;
  /** Lines dropped so far. */
  dropped(): number;
  /** Wait until what was accepted is written (or the time is up), e.g. before the process exits. */
  flush(timeoutMs?: number): Promise<void>;
}

type Stream = NodeJS.WritableStream & { readonly writableLength?: number; readonly destroyed?: boolean };

export interface SafeDestinationOptions {
  /** A file descriptor to write to (default 1, standard output). Ignored when `stream` is given. */
  readonly fd?: number;
  /** A stream instead of a descriptor (tests, embeddings). Once it fails it is not tried again. */
  readonly stream?: Stream;
  /** Waiting output beyond which new lines are dropped (default 4 MiB). */
  readonly maxBufferedBytes?: number;
  /** How long after a failure the descriptor is tried again (default 5 s). */
  readonly retryAfterMs?: number;
  /** Turns a JSON line into what is written (LOG_FORMAT=pretty). */
  readonly format?: (line: string) => string;
  readonly now?: () => number;
}

export function createSafeDestination(options: SafeDestinationOptions = {}): SafeDestination {
  return options.stream ? streamDestination(options.stream, options) : fdDestination(options.fd ?? 1, options);
}

async function waitFor(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}

function fdDestination(fd: number, options: SafeDestinationOptions): SafeDestination {
  const max = options.maxBufferedBytes ?? 4 * 1024 * 1024;
  const retryAfterMs = options.retryAfterMs ?? 5_000;
  const now = options.now ?? Date.now;
  const format = options.format;
  let dropped = 0;
  let queued = '';
  let queuedLines = 0;
  let writing = false;
  /** While set, the descriptor failed and lines are dropped without trying it. */
  let brokenUntil = 0;

  function fail(lines: number): void {
    // The batch in flight and everything queued behind it are lost.
    dropped += lines + queuedLines;
    queued = '';
    queuedLines = 0;
    writing = false;
    brokenUntil = now() + retryAfterMs;
  }

  function writeBatch(buffer: Buffer, offset: number, lines: number): void {
    fsWrite(fd, buffer, offset, buffer.length - offset, null, function written(error, bytes) {
      if (error) {
        // A non-blocking descriptor that is full for now: try the same bytes again shortly.
        if (error.code === 'EAGAIN') setTimeout(() => writeBatch(buffer, offset, lines), 10).unref();
        else fail(lines);
        return;
      }
      if (offset + bytes < buffer.length) {
        writeBatch(buffer, offset + bytes, lines);
        return;
      }
      writing = false;
      startBatch();
    });
  }

  function startBatch(): void {
    if (writing || queuedLines === 0) return;
    const buffer = Buffer.from(queued, 'utf8');
    const lines = queuedLines;
    queued = '';
    queuedLines = 0;
    writing = true;
    writeBatch(buffer, 0, lines);
  }

  return {
    write(line: string): boolean {
      if ((brokenUntil !== 0 && now() < brokenUntil) || queued.length > max) {
        dropped++;
        return true;
      }
      brokenUntil = 0;
      queued += format ? format(line) : line;
      queuedLines++;
      startBatch();
      return true;
    },
    dropped: () => dropped,
    flush: (timeoutMs = 2_000) => waitFor(() => !writing && queuedLines === 0, timeoutMs),
  };
}

function streamDestination(stream: Stream, options: SafeDestinationOptions): SafeDestination {
  const max = options.maxBufferedBytes ?? 4 * 1024 * 1024;
  const format = options.format;
  let dropped = 0;
  let pending = 0;
  let failed = stream.destroyed === true;
  stream.on('error', function logDestinationFailed() {
    // Each line still queued in it is reported through its own write callback, with an error.
    failed = true;
  });
  function written(error?: Error | null): void {
    pending--;
    if (error) dropped++;
  }
  return {
    write(line: string): boolean {
      if (failed || stream.destroyed === true || (stream.writableLength ?? 0) > max) {
        dropped++;
        return true;
      }
      pending++;
      stream.write(format ? format(line) : line, written);
      return true;
    },
    dropped: () => dropped,
    flush: (timeoutMs = 2_000) => waitFor(() => failed || pending === 0, timeoutMs),
  };
}
