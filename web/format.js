// Small pure helpers for showing API values.

/**
 * The status word a delivery shows: pending (in flight too), delivered, dead, or unknown (dead
 * because a routine may have started a run). A status this page does not know is shown as is.
 */
export function statusWord(delivery) {
  if (delivery.status === 'pending' || delivery.status === 'in_flight') return 'pending';
  if (delivery.status === 'dead') return delivery.dead_reason === 'unknown' ? 'unknown' : 'dead';
  return delivery.status;
}

export function canReplay(delivery) {
  const word = statusWord(delivery);
  return word === 'dead' || word === 'unknown';
}

const DEAD_REASONS = {
  rejected: 'the target refused it (a 4xx that is not retried)',
  exhausted: 'every attempt failed',
  unknown: 'the outcome is unknown: the routine may have started a run',
  map_error: 'the route’s map failed, nothing was sent',
  target_missing: 'the target is no longer in routes.yaml',
  expired: 'too old to send (maxAge passed)',
  over_budget: 'its target’s budget had no room (the budget drops what does not fit)',
};

export function deadReasonText(reason) {
  return DEAD_REASONS[reason] ?? reason;
}

/** 2026-05-01 09:30:05 in the browser's time zone, with the ISO time kept for a tooltip. */
export function clock(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** "3 s ago", "5 min ago", "2 h ago", "4 d ago". */
export function ago(iso, now = Date.now()) {
  const ms = now - new Date(iso).getTime();
  if (!Number.isFinite(ms)) return '';
  if (ms < 60_000) return `${Math.max(0, Math.round(ms / 1000))} s ago`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min ago`;
  if (ms < 86_400_000) return `${Math.round(ms / 3_600_000)} h ago`;
  return `${Math.round(ms / 86_400_000)} d ago`;
}

export function duration(ms) {
  if (ms === null || ms === undefined) return '';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

export function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

/** Pretty JSON for a <pre>; text bodies are shown as they are. */
export function pretty(value) {
  if (typeof value === 'string') return value;
  return JSON.stringify(value, null, 2);
}

/**
 * A link target from stored data (a routine's session URL comes from the target's answer):
 * http(s) only, so a hostile answer cannot plant a javascript: link.
 */
export function safeHttpUrl(text) {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * What fire shaping did with an event on one route (an item of the event detail's `shaped`):
 * `grouped` with the group's key, size and when it fires (or fired, or was held back by its
 * cooldown), or `cooldown` with when the window that held the event back ends. Times stay ISO.
 */
export function shapeOutcome(shape) {
  if (shape.outcome === 'cooldown') return { route: shape.route, word: 'cooldown', label: 'held back until', at: shape.until };
  const g = shape.group;
  if (!g) return { route: shape.route, word: 'grouped', label: null, at: null };
  const base = { route: shape.route, word: 'grouped', key: g.key, count: g.count };
  if (g.status === 'fired') return { ...base, label: 'fired', at: g.fired_at ?? g.fires_at };
  if (g.status === 'cooldown') return { ...base, label: 'fired while cooling down, nothing sent; until', at: g.cooldown_until };
  return { ...base, label: 'fires', at: g.fires_at };
}

/** The budget holding a delivery back and until when (the delivery's `held`), or null. */
export function budgetHold(delivery) {
  if (!delivery.held || statusWord(delivery) !== 'pending') return null;
  return { budget: delivery.held.budget, until: delivery.held.until };
}

/** A target's health (GET /admin/targets), most pressing first: the word shown, the badge's colour. */
const TARGET_HEALTH = {
  paused: ['paused', 'dead'],
  half_open: ['half open', 'pending'],
  failing: ['failing', 'dead'],
  rate_limited: ['rate limited', 'held'],
  recovering: ['recovering', 'pending'],
  backlog: ['backlog', 'pending'],
  dead_letters: ['dead letters', 'dead'],
  ok: ['ok', 'delivered'],
};
export const TARGET_HEALTH_ORDER = Object.keys(TARGET_HEALTH);

/** A word this page does not know is shown as is. */
export function targetHealthWord(health) {
  const found = TARGET_HEALTH[health];
  return found ? { word: found[0], cls: found[1] } : { word: health, cls: '' };
}
