/**
 * The one way an HTTP answer is written, for every door (webhooks, admin, health, metrics): node's
 * own statusCode/setHeader/end, so a reply is byte for byte the same whether express or the plain
 * listener handled the request. Error answers always have the catalog's shape.
 */
import type { ServerResponse } from 'node:http';
import { type ErrorCode, errorJson, HookgateError } from '../errors.ts';

export const JSON_TYPE = 'application/json; charset=utf-8';

/** Write a complete reply (headers set earlier with setHeader, such as Allow, are kept). */
export function writeReply(res: ServerResponse, status: number, headers: Readonly<Record<string, string>>, body: string): void {
  res.statusCode = status;
  for (const name in headers) res.setHeader(name, headers[name]!);
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  writeReply(res, status, { 'content-type': JSON_TYPE }, JSON.stringify(value));
}

/**
 * `{"error": "...", "code": "..."}` with the catalog's status. `detail` is appended to the
 * catalog's message; `extra` adds fields after the two fixed ones (e.g. the parameter at fault).
 */
export function sendError(
  res: ServerResponse,
  error: HookgateError | ErrorCode,
  detail?: string,
  extra?: Readonly<Record<string, unknown>>,
): void {
  const failure = typeof error === 'string' ? new HookgateError(error, detail) : error;
  writeReply(res, failure.status, { 'content-type': JSON_TYPE }, errorJson(failure, extra));
}
