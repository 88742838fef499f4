/**
 * GitHub's catalog of example webhook payloads (@octokit/webhooks-examples, maintained with
 * GitHub's webhook schemas), so `hookgate send github --event check_run.completed` works for any
 * event GitHub sends, not only the few under samples/github/. Read on first use: `serve` never
 * loads it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { joinEventType } from './request-fields.ts';
import type { SampleCatalog } from './types.ts';

const PACKAGE = '@octokit/webhooks-examples';

interface CatalogEntry {
  readonly name: string;
  readonly examples: readonly unknown[];
}

let byType: Map<string, string> | undefined;

/** hookgate's event type (`X-GitHub-Event` + `.` + `action`) → the first example's JSON text. */
function examples(): Map<string, string> {
  if (byType) return byType;
  const file = createRequire(import.meta.url).resolve(PACKAGE);
  const entries = JSON.parse(readFileSync(file, 'utf8')) as CatalogEntry[];
  const map = new Map<string, string>();
  for (const entry of entries) {
    for (const example of entry.examples) {
      const action = typeof example === 'object' && example !== null ? (example as { action?: unknown }).action : undefined;
      const type = joinEventType(entry.name, typeof action === 'string' ? action : undefined);
      if (!map.has(type)) map.set(type, `${JSON.stringify(example, null, 2)}\n`);
    }
  }
  byType = map;
  return map;
}

export const githubCatalog: SampleCatalog = {
  source: PACKAGE,
  sample(eventType) {
    const text = examples().get(eventType);
    return text === undefined ? undefined : Buffer.from(text);
  },
  names() {
    return [...examples().keys()].sort();
  },
};
