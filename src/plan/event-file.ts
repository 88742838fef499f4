/**
 * One recorded event as a file (`hookgate events export` writes them, `hookgate plan --events`
 * reads them): what the router stored on arrival, minus credentials, in a form a person can read
 * in a pull request. A body that is JSON is kept as JSON; any other body is kept byte for byte
 * (as text when it is UTF-8, else base64).
 */

import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import type { StoredEvent } from '../store/types.ts';

/** The value of `format` in every event file: files without it are not read as events. */
export const EVENT_FILE_FORMAT = 'hookgate-event/1';

/** An event as `plan` replays it, from the store or from a file. */
export interface PlanEvent {
  readonly provider: string;
  readonly eventType: string;
  readonly dedupKey: string;
  readonly receivedAt: number;
  /** Lower-case names; credentials were never stored. */
  readonly headers: Readonly<Record<string, string>>;
  readonly rawBody: Buffer;
  /** Where it came from, for messages (`store` or a file path). */
  readonly origin: string;
}

export interface EventFileJson {
  readonly format: typeof EVENT_FILE_FORMAT;
  readonly provider: string;
  readonly eventType: string;
  readonly dedupKey: string;
  readonly receivedAt: string;
  /** accepted or ignored when it arrived (for the reader; plan routes it anew). */
  readonly status: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly bodyText?: string;
  readonly bodyBase64?: string;
}

export function planEventFromStored(event: StoredEvent): PlanEvent {
  return {
    provider: event.provider,
    eventType: event.eventType,
    dedupKey: event.dedupKey,
    receivedAt: event.receivedAt,
    headers: event.headers,
    rawBody: event.rawBody,
    origin: `store event ${event.id}`,
  };
}

/** The body field of a file: parsed JSON, else the exact text, else the exact bytes in base64. */
export function bodyFields(raw: Buffer): Pick<EventFileJson, 'body' | 'bodyText' | 'bodyBase64'> {
  if (!isUtf8(raw)) return { bodyBase64: raw.toString('base64') };
  const text = raw.toString('utf8');
  try {
    return { body: JSON.parse(text) as unknown };
  } catch {
    return { bodyText: text };
  }
}

export function toEventFile(event: StoredEvent, headers: Readonly<Record<string, string>>, rawBody: Buffer): EventFileJson {
  return {
    format: EVENT_FILE_FORMAT,
    provider: event.provider,
    eventType: event.eventType,
    dedupKey: event.dedupKey,
    receivedAt: new Date(event.receivedAt).toISOString(),
    status: event.status,
    headers,
    ...bodyFields(rawBody),
  };
}

/**
 * `20261130T051502.123Z_stripe_evt_1Q.json`: sorted by arrival in a listing, unique per
 * (provider, dedup key). A key with characters a file name cannot carry is cleaned and given a
 * hash of the real key, so two keys never share a file.
 */
export function eventFileName(event: Pick<StoredEvent, 'provider' | 'dedupKey' | 'receivedAt'>): string {
  const at = new Date(event.receivedAt).toISOString().replace(/[-:]/g, '');
  const clean = (text: string): string => text.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80);
  const key = clean(event.dedupKey);
  const provider = clean(event.provider);
  const exact = key === event.dedupKey && provider === event.provider;
  const suffix = exact ? '' : `_${createHash('sha256').update(`${event.provider}\0${event.dedupKey}`).digest('hex').slice(0, 10)}`;
  return `${at}_${provider}_${key}${suffix}.json`;
}

export class EventFileError extends Error {}

/** Reads one file's text; throws EventFileError naming the file and the field at fault. */
export function parseEventFile(text: string, file: string): PlanEvent {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new EventFileError(`${file}: not JSON (${(error as Error).message})`);
  }
  if (!isObject(data)) throw new EventFileError(`${file}: expected a JSON object`);
  if (data.format !== EVENT_FILE_FORMAT) {
    throw new EventFileError(`${file}: "format" must be "${EVENT_FILE_FORMAT}" (files written by \`hookgate events export\`)`);
  }
  const requireText = (field: string): string => {
    const value = data[field];
    if (typeof value !== 'string' || value === '') throw new EventFileError(`${file}: "${field}" must be a non-empty string`);
    return value;
  };
  const receivedAt = Date.parse(requireText('receivedAt'));
  if (Number.isNaN(receivedAt)) throw new EventFileError(`${file}: "receivedAt" must be an ISO time such as 2026-05-01T09:30:00Z`);
  const headers: Record<string, string> = {};
  if (data.headers !== undefined) {
    if (!isObject(data.headers)) throw new EventFileError(`${file}: "headers" must be an object of strings`);
    for (const [name, value] of Object.entries(data.headers)) {
      if (typeof value !== 'string') throw new EventFileError(`${file}: "headers.${name}" must be a string`);
      headers[name.toLowerCase()] = value;
    }
  }
  return {
    provider: requireText('provider'),
    eventType: requireText('eventType'),
    dedupKey: requireText('dedupKey'),
    receivedAt,
    headers,
    rawBody: rawBodyOf(data, file),
    origin: file,
  };
}

function rawBodyOf(data: Record<string, unknown>, file: string): Buffer {
  const given = ['body', 'bodyText', 'bodyBase64'].filter((field) => data[field] !== undefined);
  if (given.length !== 1) throw new EventFileError(`${file}: give exactly one of "body" (JSON), "bodyText" or "bodyBase64"`);
  if (data.body !== undefined) return Buffer.from(JSON.stringify(data.body), 'utf8');
  if (data.bodyText !== undefined) {
    if (typeof data.bodyText !== 'string') throw new EventFileError(`${file}: "bodyText" must be a string`);
    return Buffer.from(data.bodyText, 'utf8');
  }
  const b64 = data.bodyBase64;
  if (typeof b64 !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw new EventFileError(`${file}: "bodyBase64" must be base64`);
  return Buffer.from(b64, 'base64');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
