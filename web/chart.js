// Events and deliveries per minute over the last hours, as a small SVG (no chart library):
// bars for events received, a line for deliveries delivered, red ticks for dead letters.
import { api, withQuery } from './api.js';
import { fillBuckets } from './chart-data.js';
import { plural } from './format.js';
import { useState } from './hooks.js';
import { html } from './html.js';
import { useData } from './use-data.js';

const SPANS = [
  ['1h', 'Last hour', '1m'],
  ['3h', 'Last 3 hours', '1m'],
  ['24h', 'Last 24 hours', '10m'],
];
const W = 600;
const H = 120;

export function ActivityChart() {
  const [span, setSpan] = useState('3h');
  const [, label, bucket] = SPANS.find(([s]) => s === span) ?? SPANS[1];
  const { data, error } = useData(() => api(withQuery('stats', { since: span, bucket })), [span], 15_000);
  const buckets = data ? fillBuckets(data) : [];
  const totals = buckets.reduce(
    (t, b) => ({
      events: t.events + b.events,
      ignored: t.ignored + b.ignored,
      delivered: t.delivered + b.delivered,
      dead: t.dead + b.dead,
    }),
    { events: 0, ignored: 0, delivered: 0, dead: 0 },
  );
  const peak = Math.max(1, ...buckets.map((b) => Math.max(b.events, b.delivered, b.dead)));
  const width = buckets.length > 0 ? W / buckets.length : W;
  const y = (n) => H - (n / peak) * (H - 4);
  const line = buckets.map((b, i) => `${(i + 0.5) * width},${y(b.delivered)}`).join(' ');
  const per = bucket === '1m' ? 'minute' : '10 minutes';
  const summary = `${label}: ${plural(totals.events, 'event')} (${totals.ignored} ignored), ${totals.delivered} delivered, ${totals.dead} dead; at most ${peak} per ${per}.`;

  return html`
    <figure class="chart">
      <figcaption>
        <span class="legend"><span class="swatch events" aria-hidden="true"></span>events</span>
        <span class="legend"><span class="swatch delivered" aria-hidden="true"></span>delivered</span>
        <span class="legend"><span class="swatch dead" aria-hidden="true"></span>dead</span>
        <label class="span">
          <span class="visually-hidden">Chart period</span>
          <select value=${span} onChange=${(e) => setSpan(e.currentTarget.value)}>
            ${SPANS.map(([value, text]) => html`<option value=${value}>${text}</option>`)}
          </select>
        </label>
      </figcaption>
      ${error ? html`<p class="error">${error.message}</p>` : null}
      <svg viewBox=${`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label=${summary}>
        <line class="axis" x1="0" y1=${H - 0.5} x2=${W} y2=${H - 0.5} />
        ${buckets.map((b, i) =>
          b.events > 0
            ? html`<rect class="events" x=${i * width + width * 0.1} y=${y(b.events)} width=${width * 0.8} height=${H - y(b.events)} />`
            : null,
        )}
        ${buckets.map((b, i) =>
          b.dead > 0
            ? html`<rect class="dead" x=${i * width + width * 0.3} y=${y(b.dead)} width=${width * 0.4} height=${H - y(b.dead)} />`
            : null,
        )}
        ${buckets.length > 1 ? html`<polyline class="delivered" points=${line} vector-effect="non-scaling-stroke" />` : null}
      </svg>
      <p class="muted chart-summary">${data ? summary : 'Loading activity…'}</p>
    </figure>
  `;
}
