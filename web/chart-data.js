// The chart's series from GET /admin/stats (pure: tested without a browser).

/** Every bucket from since to until, zeros where the API listed nothing. */
export function fillBuckets(stats) {
  const step = stats.bucket_seconds * 1000;
  const start = Date.parse(stats.since);
  const end = Date.parse(stats.until);
  const byTime = new Map(stats.items.map((b) => [Date.parse(b.at), b]));
  const out = [];
  for (let t = start; t < end; t += step) {
    out.push(byTime.get(t) ?? { at: new Date(t).toISOString(), events: 0, ignored: 0, delivered: 0, dead: 0 });
  }
  return out;
}
