/**
 * `Authorization: Bearer $HOOKGATE_ADMIN_TOKEN` for /admin. Both sides are hashed first, so the
 * comparison is constant time and its length does not depend on what the caller sent.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { sendError } from './reply.ts';

const BEARER = /^Bearer +(\S+) *$/i;

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** True when the header is `Bearer <token>` with exactly this token. */
export function bearerMatches(header: string | undefined, expected: Buffer): boolean {
  const given = BEARER.exec(header ?? '')?.[1];
  // Compare even without a token, so a missing header costs the same as a wrong one.
  const same = timingSafeEqual(digest(given ?? ''), expected);
  return same && given !== undefined;
}

export function createAdminAuth(token: string) {
  const expected = digest(token);
  return function requireAdminToken(req: Request, res: Response, next: NextFunction): void {
    if (bearerMatches(req.headers.authorization, expected)) {
      next();
      return;
    }
    const missing = req.headers.authorization === undefined;
    res.setHeader('WWW-Authenticate', 'Bearer realm="hookgate admin"');
    sendError(res, 'UNAUTHORIZED', missing ? 'send Authorization: Bearer $HOOKGATE_ADMIN_TOKEN' : 'Authorization is not the admin token');
  };
}

export { digest as adminTokenDigest };
