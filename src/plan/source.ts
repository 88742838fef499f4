/**
 * The recorded events a plan replays: from a folder of event files (`hookgate events export`
 * wrote them, or someone committed them), searched recursively for `*.json`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { EventFileError, type PlanEvent, parseEventFile } from './event-file.ts';

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

/** Every event file under `dir` received at or after `since` (when given). Throws naming the first bad file. */
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
  return events;
}
