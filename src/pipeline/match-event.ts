/**
 * `events` entries match the normalized event type segment by segment: a pattern matches when
 * each of its segments equals the event's segment at that place or is `*` (one segment), and
 * the event has at least as many segments (so `customer.subscription` matches
 * `customer.subscription.created`).
 */

export function compileEventPatterns(events: readonly string[] | undefined): string[][] | null {
  if (events === undefined) return null;
  return events.map((pattern) => pattern.split('.'));
}

export function eventMatches(patterns: ReadonlyArray<readonly string[]> | null, eventType: string): boolean {
  if (patterns === null) return true;
  const segments = eventType.split('.');
  return patterns.some(function matchesPattern(pattern) {
    if (pattern.length > segments.length) return false;
    for (let i = 0; i < pattern.length; i++) {
      if (pattern[i] !== '*' && pattern[i] !== segments[i]) return false;
    }
    return true;
  });
}
