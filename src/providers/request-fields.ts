/** Defensive reads from a request's headers and its parsed (unknown) body. */
import type { WebhookRequest } from './types.ts';

/** A header's value (names are lower case in WebhookRequest); an empty value counts as absent. */
export function header(req: WebhookRequest, lowerName: string): string | undefined {
  const value = req.headers[lowerName];
  return value === undefined || value === '' ? undefined : value;
}

/** The string at `path` in the body, or undefined when any step is missing or not a string. */
export function bodyString(body: unknown, ...path: readonly string[]): string | undefined {
  let current: unknown = body;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return typeof current === 'string' ? current : undefined;
}

/** `resource.action` when the action is present, else the resource alone ("" when missing). */
export function joinEventType(resource: string | undefined, action: string | undefined): string {
  const head = resource ?? '';
  return action === undefined || action === '' ? head : `${head}.${action}`;
}

/** The first dot-separated segment of an event type (`pull_request.opened` → `pull_request`). */
export function firstSegment(eventType: string): string {
  const dot = eventType.indexOf('.');
  return dot === -1 ? eventType : eventType.slice(0, dot);
}
