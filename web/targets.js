// Targets' health: queue depth (pending, in flight, dead, oldest waiting) from /admin/stats and
// pauses (circuit breaker open or half-open, 410 Gone) from /admin/targets, with Resume.
import { api } from './api.js';
import { clock, duration } from './format.js';
import { useState } from './hooks.js';
import { html } from './html.js';
import { useData } from './use-data.js';

async function loadTargets() {
  const [stats, pauses] = await Promise.all([api('stats?since=1h'), api('targets')]);
  const byName = new Map();
  const row = (name) => {
    if (!byName.has(name)) byName.set(name, { target: name, pending: 0, in_flight: 0, dead: 0, oldest_pending_age_ms: null, pause: null });
    return byName.get(name);
  };
  for (const q of stats.targets) Object.assign(row(q.target), q);
  for (const p of pauses.items) row(p.target).pause = p;
  return [...byName.values()].sort((a, b) => a.target.localeCompare(b.target));
}

function health(t) {
  // A pause whose cool-down ran out is half open: the next delivery is the probe.
  if (t.pause?.state === 'half_open') return { word: 'half open', cls: 'pending' };
  if (t.pause) return { word: 'paused', cls: 'dead' };
  if (t.pending > 0 && (t.oldest_pending_age_ms ?? 0) > 60_000) return { word: 'backlog', cls: 'pending' };
  if (t.dead > 0) return { word: 'dead letters', cls: 'dead' };
  return { word: 'ok', cls: 'delivered' };
}

export function TargetsView() {
  const { data, error, reload } = useData(loadTargets, [], 5000);
  return html`
    <section aria-labelledby="targets-title">
      <h2 id="targets-title" tabindex="-1">Targets</h2>
      <p class="muted">Targets with deliveries waiting, in flight, dead or paused; the others have nothing outstanding.</p>
      ${error ? html`<p class="error" role="alert">${error.message}</p>` : null}
      ${data && data.length === 0 ? html`<p class="empty">No target has anything queued, dead or paused.</p>` : null}
      <ul class="targets">
        ${(data ?? []).map((t) => html`<${TargetCard} key=${t.target} t=${t} onResumed=${reload} />`)}
      </ul>
    </section>
  `;
}

function TargetCard({ t, onResumed }) {
  const [message, setMessage] = useState(null);
  const h = health(t);
  async function resume() {
    try {
      await api(`targets/${encodeURIComponent(t.target)}/resume`, { method: 'POST' });
      setMessage({ ok: true, text: 'Resumed.' });
      onResumed();
    } catch (e) {
      setMessage({ ok: false, text: `Resume failed: ${e.message}` });
    }
  }
  return html`<li class="card">
    <h3><span class="target">${t.target}</span> <span class=${`badge ${h.cls}`}>${h.word}</span></h3>
    <dl class="facts small">
      <div><dt>Pending</dt><dd>${t.pending}</dd></div>
      <div><dt>In flight</dt><dd>${t.in_flight}</dd></div>
      <div><dt>Dead</dt><dd>${t.dead > 0 ? html`<a href="#/dead">${t.dead}</a>` : 0}</dd></div>
      <div><dt>Oldest waiting</dt><dd>${t.oldest_pending_age_ms === null ? '—' : duration(t.oldest_pending_age_ms)}</dd></div>
    </dl>
    ${
      t.pause
        ? html`<p class="reason">
            Paused since ${clock(t.pause.since)}${t.pause.paused_until ? ` until ${clock(t.pause.paused_until)}` : ' until resumed'}: ${t.pause.reason}
          </p>
          <button type="button" onClick=${resume}>Resume</button>`
        : null
    }
    ${message ? html`<p class=${message.ok ? 'ok' : 'error'} role=${message.ok ? 'status' : 'alert'}>${message.text}</p>` : null}
  </li>`;
}
