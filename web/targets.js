// Targets' health from /admin/targets: every target of the config with one word for its health
// (most pressing first in the list) and the facts behind it: queue, last failure, what it waits
// for when rate limited, and its pause (circuit breaker, 410 Gone) with Resume.
import { api } from './api.js';
import { ago, clock, duration, plural, TARGET_HEALTH_ORDER, targetHealthWord } from './format.js';
import { useState } from './hooks.js';
import { html } from './html.js';
import { useData } from './use-data.js';

const RANK = new Map(TARGET_HEALTH_ORDER.map((key, i) => [key, i]));

async function loadTargets() {
  const { items } = await api('targets');
  return [...items].sort((a, b) => (RANK.get(a.health) ?? 99) - (RANK.get(b.health) ?? 99) || a.target.localeCompare(b.target));
}

export function TargetsView() {
  const { data, error, reload } = useData(loadTargets, [], 5000);
  const counts = new Map();
  for (const t of data ?? []) counts.set(t.health, (counts.get(t.health) ?? 0) + 1);
  const summary = TARGET_HEALTH_ORDER.filter((key) => counts.has(key)).map((key) => `${counts.get(key)} ${targetHealthWord(key).word}`);
  return html`
    <section aria-labelledby="targets-title">
      <h2 id="targets-title" tabindex="-1">Targets</h2>
      <p class="muted">Every target of the config in force, the most pressing first${summary.length > 0 ? `: ${summary.join(', ')}` : ''}.</p>
      ${error ? html`<p class="error" role="alert">${error.message}</p>` : null}
      ${data && data.length === 0 ? html`<p class="empty">No targets.</p>` : null}
      <ul class="targets">
        ${(data ?? []).map((t) => html`<li key=${t.target}><${TargetCard} t=${t} onResumed=${reload} /></li>`)}
      </ul>
    </section>
  `;
}

function failureText(last) {
  if (!last) return '';
  const what = last.status_code !== null ? `HTTP ${last.status_code}` : (last.error ?? 'no answer');
  return `${what} at ${clock(last.at)} (${ago(last.at)})`;
}

function RateLimits({ r }) {
  return html`<ul class="waits small">
    ${r.retry_after ? html`<li>Asked to wait (429): ${plural(r.retry_after.deliveries, 'delivery', 'deliveries')} until ${clock(r.retry_after.until)}</li>` : null}
    ${
      r.budget
        ? html`<li>
            Budget <span class="target">${r.budget.name}</span>${r.budget.paused_until ? ` paused until ${clock(r.budget.paused_until)}` : ''}${
              r.budget.held > 0
                ? `${r.budget.paused_until ? ';' : ''} holds ${plural(r.budget.held, 'delivery', 'deliveries')}${r.budget.held_until ? ` until ${clock(r.budget.held_until)}` : ''}`
                : ''
            }
          </li>`
        : null
    }
    ${r.pacing ? html`<li>Paced at ${r.pacing.requests} per ${r.pacing.per}: ${plural(r.pacing.due, 'delivery', 'deliveries')} due</li>` : null}
  </ul>`;
}

function TargetCard({ t, onResumed }) {
  const [message, setMessage] = useState(null);
  const h = targetHealthWord(t.health);
  const q = t.queue;
  async function resume() {
    try {
      await api(`targets/${encodeURIComponent(t.target)}/resume`, { method: 'POST' });
      setMessage({ ok: true, text: 'Resumed.' });
      onResumed();
    } catch (e) {
      setMessage({ ok: false, text: `Resume failed: ${e.message}` });
    }
  }
  return html`<article class=${`card target-health health-${t.health}`} aria-label=${`Target ${t.target}, ${h.word}`}>
    <h3><span class="target">${t.target}</span> <span class=${`badge ${h.cls}`}>${h.word}</span></h3>
    <dl class="facts small">
      <div><dt>Kind</dt><dd>${t.kind ?? 'not in the config'}</dd></div>
      <div><dt>Pending</dt><dd>${q.pending}${q.due > 0 ? ` (${q.due} due)` : ''}</dd></div>
      <div><dt>In flight</dt><dd>${q.in_flight}</dd></div>
      <div><dt>Dead</dt><dd>${q.dead > 0 ? html`<a href="#/dead" aria-label=${`${q.dead} dead letters of ${t.target}`}>${q.dead}</a>` : 0}</dd></div>
      <div><dt>Oldest waiting</dt><dd>${q.oldest_pending_age_ms === null ? '—' : duration(q.oldest_pending_age_ms)}</dd></div>
    </dl>
    ${
      t.failing
        ? html`<p class="reason">${`Last failure: ${failureText(t.failing.last_attempt)}; ${plural(t.failing.deliveries, 'delivery', 'deliveries')} waiting to retry.`}${
            t.failing.last_delivered_at ? ` Delivered again ${ago(t.failing.last_delivered_at)}.` : ''
          }</p>`
        : null
    }
    ${t.rate_limited ? html`<${RateLimits} r=${t.rate_limited} />` : null}
    ${
      t.state !== 'active'
        ? html`<p class="reason">
            ${t.state === 'half_open' ? 'Half open (the next delivery is the probe), paused' : 'Paused'} since ${clock(t.since)}${
              t.paused_until ? ` until ${clock(t.paused_until)}` : ' until resumed'
            }: ${t.reason}
          </p>
          <button type="button" onClick=${resume} aria-label=${`Resume ${t.target}`}>Resume</button>`
        : null
    }
    ${message ? html`<p class=${message.ok ? 'ok' : 'error'} role=${message.ok ? 'status' : 'alert'}>${message.text}</p>` : null}
  </article>`;
}
