/**
 * The recorded events a plan replays, oldest first: from a store, read in time slices so that a
 * week of traffic is never held in memory at once, or from a folder of event files (`hookgate
 * events export` wrote them, or someone committed them), searched recursively for `*.json`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Store, StoredEvent } from '../store/types.ts';
import { EventFileError, type PlanEvent, parseEventFile } from './event-file.ts';

const HOUR_MS = 3_600_000;
/** A long window is read in at most about this many slices. */
const MAX_SLICES = 500;

/**
 * Every stored event received in [since, until], oldest first. The store lists newest first, so
 * each slice of the window is read whole (page by page) and reversed; only one slice is in memory.
 */
export async function* storedEvents(store: Store, since: number, until: number): AsyncGenerator<StoredEvent> {
  const sliceMs = Math.max(HOUR_MS, Math.ceil((until - since + 1) / MAX_SLICES));
  for (let from = since; from <= until; from += sliceMs) {
    const to = Math.min(until, from + sliceMs - 1);
    const slice: StoredEvent[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.listEvents({ since: from, until: to, limit: 500, ...(cursor ? { cursor } : {}) });
      slice.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    for (let i = slice.length - 1; i >= 0; i--) yield slice[i]!;
  }
}

export class EventSourceError extends Error {}

function jsonFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...jsonFiles(full));
    else if (entry.isFile() && entry.name.endsWith('.json')) found.push(full);
  }
  return found.sort();
}

/** Every event file under `dir` received at or after `since` (when given), oldest first. Throws naming the first bad file. */
export function readEventFolder(dir: string, since: number | undefined, cwd: string): PlanEvent[] {
  const abs = path.resolve(cwd, dir);
  let isDir = false;
  try {
    isDir = statSync(abs).isDirectory();
  } catch {
    throw new EventSourceError(`--events ${dir}: no such folder`);
  }
  if (!isDir) throw new EventSourceError(`--events ${dir}: not a folder`);
  const events: PlanEvent[] = [];
  for (const file of jsonFiles(abs)) {
    const shown = path.relative(cwd, file) || file;
    try {
      const event = parseEventFile(readFileSync(file, 'utf8'), shown);
      if (since === undefined || event.receivedAt >= since) events.push(event);
    } catch (error) {
      if (error instanceof EventFileError) throw new EventSourceError(error.message);
      throw error;
    }
  }
  return events.sort((a, b) => a.receivedAt - b.receivedAt);
}
