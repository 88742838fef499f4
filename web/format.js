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
