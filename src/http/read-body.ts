/**
 * Reads the raw request bytes with a size limit. Written here rather than through express.raw so
 * the limit follows the live config on reload and the bytes are untouched (no decoding, no
 * inflation: signatures are over exactly what was sent).
 */
import type { IncomingMessage } from 'node:http';

export type BodyResult =
  | { readonly ok: true; readonly body: Buffer }
  /** too_large: answer 413; dropped: too large by far, the connection was destroyed; aborted: the client went away. */
  | { readonly ok: false; readonly reason: 'too_large' | 'dropped' | 'aborted' };

/** Past this many times the limit, stop draining and drop the connection. */
const DRAIN_FACTOR = 16;

export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  return new Promise(function collect(resolve) {
    const declared = Number(req.headers['content-length']);
    let tooLarge = Number.isFinite(declared) && declared > limit;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', function onData(chunk: Buffer) {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (tooLarge) {
        chunks.length = 0;
        // Drain (so the client can read our 413), but not forever.
        if (size > limit * DRAIN_FACTOR) {
          resolve({ ok: false, reason: 'dropped' });
          req.destroy();
        }
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', function onEnd() {
      resolve(
        tooLarge ? { ok: false, reason: 'too_large' } : { ok: true, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) },
      );
    });
    req.on('error', function onError() {
      resolve({ ok: false, reason: 'aborted' });
    });
    req.on('aborted', function onAborted() {
      resolve({ ok: false, reason: 'aborted' });
    });
  });
}
