/**
 * Reads the raw request bytes with a size limit. Written here rather than through express.raw so
 * the limit follows the live config on reload and the bytes are untouched (no decoding, no
 * inflation: signatures are over exactly what was sent).
 *
 * A body over the limit is refused as early as can be known: before reading anything when
 * Content-Length says so, else at the chunk that passes the limit. Nothing more is read; the
 * caller answers 413 and closes the connection (see refuseOversized).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type BodyResult =
  | { readonly ok: true; readonly body: Buffer }
  /** too_large: answer 413 now (refuseOversized); aborted: the client went away. */
  | { readonly ok: false; readonly reason: 'too_large' | 'aborted' };

const TOO_LARGE: BodyResult = { ok: false, reason: 'too_large' };
const ABORTED: BodyResult = { ok: false, reason: 'aborted' };

export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(TOO_LARGE);
  return new Promise(function collect(resolve) {
    const chunks: Buffer[] = [];
    let size = 0;
    function settle(result: BodyResult): void {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAborted);
      req.off('aborted', onAborted);
      resolve(result);
    }
    function onData(chunk: Buffer): void {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        // Stop the flow: the rest of the body stays in the socket until the 413 closes it.
        req.pause();
        settle(TOO_LARGE);
        return;
      }
      chunks.push(chunk);
    }
    function onEnd(): void {
      settle({ ok: true, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) });
    }
    function onAborted(): void {
      settle(ABORTED);
    }
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAborted);
    req.on('aborted', onAborted);
  });
}

/**
 * Prepare the answer to an oversized body: the connection closes after the 413, so node neither
 * waits for nor reads the rest of the body (a keep-alive answer would make it drain every byte).
 */
export function refuseOversized(res: ServerResponse): void {
  res.setHeader('connection', 'close');
  res.shouldKeepAlive = false;
}
