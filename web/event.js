// One event: what arrived (headers without secrets, the body), what each route did with it and
// why, and every delivery with its attempts, the body it sent and the routine session it started.
import { api } from './api.js';
import { canReplay, clock, deadReasonText, duration, plural, safeHttpUrl, statusWord } from './format.js';
import { useState } from './hooks.js';
import { html } from './html.js';
import { JsonView } from './json-tree.js';
import { ReplayButton } from './replay.js';
import { RerouteButton } from './reroute.js';
import { useData } from './use-data.js';

export function EventView({ id }) {
  // Quick while a delivery is on its way (after a replay, say), slower once all have settled.
  const {
    data: event,
    error,
    reload,
    loading,
  } = useData(() => api(`events/${encodeURIComponent(id)}`), [id], 2000, {
    when: (e) => e.deliveries.every((d) => statusWord(d) !== 'pending'),
    everyMs: 10_000,
  });

  return html`
    <section aria-labelledby="event-title">
      <p><a href="#/events">← Events</a></p>
      <h2 id="event-title" tabindex="-1">Event ${event ? html`<span class="key">${event.dedup_key}</span>` : null}</h2>
      ${error ? html`<p class="error" role="alert">${error.status === 404 ? 'No such event (it may have been purged).' : error.message}</p>` : null}
      ${event ? html`<${EventBody} event=${event} reload=${reload} />` : loading ? html`<p>Loading…</p>` : null}
    </section>
  `;
}

function EventBody({ event, reload }) {
  return html`
    <dl class="facts">
      <div><dt>Provider</dt><dd>${event.provider}</dd></div>
      <div><dt>Event type</dt><dd>${event.event_type}</dd></div>
      <div><dt>Dedup key</dt><dd class="key">${event.dedup_key}</dd></div>
      <div><dt>Received</dt><dd><time datetime=${event.received_at}>${clock(event.received_at)}</time></dd></div>
      <div><dt>Status</dt><dd><span class=${`badge ${event.status}`}>${event.status}</span></dd></div>
      <div><dt>Config</dt><dd class="key" title=${event.config_sha256}>sha256 ${event.config_sha256.slice(0, 12)}…</dd></div>
      <div><dt>Router id</dt><dd class="key">${event.id}</dd></div>
    </dl>

    <section aria-labelledby="routes-title">
      <h3 id="routes-title">Routes</h3>
      <${RouteOutcomes} event=${event} />
      <${RerouteButton} event=${event} onRerouted=${reload} />
    </section>

    <section aria-labelledby="deliveries-title">
      <h3 id="deliveries-title">Deliveries</h3>
      ${
        event.deliveries.length === 0
          ? html`<p class="empty">No delivery: no route fired.</p>`
          : event.deliveries.map((d) => html`<${DeliveryCard} key=${d.id} delivery=${d} onReplayed=${reload} />`)
      }
    </section>

    <section aria-labelledby="headers-title">
      <h3 id="headers-title">Headers</h3>
      <details open>
        <summary>${plural(Object.keys(event.headers).length, 'header')} (signature and credential headers removed)</summary>
        <dl class="headers">
          ${Object.entries(event.headers).map(([name, value]) => html`<div key=${name}><dt>${name}</dt><dd>${value}</dd></div>`)}
        </dl>
      </details>
    </section>

    <section aria-labelledby="body-title">
      <h3 id="body-title">Body</h3>
      <${JsonView} value=${event.body} label="Event body" />
    </section>
  `;
}

/** Per route: fired (to which targets, with what result), or why not. */
function RouteOutcomes({ event }) {
  const rows = [
    ...event.deliveries.map((d) => ({
      key: d.id,
      route: d.route,
      what:
        d.dead_reason === 'map_error'
          ? html`<span class="badge dead">map error</span> ${d.error ?? ''}`
          : html`fired to <strong>${d.target}</strong>: <span class=${`badge ${statusWord(d)}`}>${statusWord(d)}</span>`,
    })),
    ...event.ignored.map((i) => ({
      key: `ignored-${i.route}`,
      route: i.route,
      what: html`<span class="badge ignored">not fired</span> ${i.reason}`,
    })),
  ];
  if (rows.length === 0) return html`<p class="empty">No route for this provider.</p>`;
  return html`<ul class="outcomes">
    ${rows.map((r) => html`<li key=${r.key}><span class="route">${r.route}</span> ${r.what}</li>`)}
  </ul>`;
}

function DeliveryCard({ delivery: d, onReplayed }) {
  const [note, setNote] = useState('');
  const word = statusWord(d);
  const session = [...d.attempts].reverse().find((a) => a.session_url);
  const sessionHref = session ? safeHttpUrl(session.session_url) : null;
  return html`
    <article class=${`card delivery ${word}`} aria-label=${`Delivery ${d.route} to ${d.target}, ${word}`}>
      <header>
        <h4><span class="route">${d.route}</span> → <span class="target">${d.target}</span></h4>
        <span class=${`badge ${word}`}>${word}</span>
      </header>
      ${word === 'dead' || word === 'unknown' ? html`<p class="reason">${deadReasonText(d.dead_reason)}${d.error ? html`: <code>${d.error}</code>` : null}</p>` : null}
      ${word === 'pending' && d.next_attempt_at ? html`<p class="muted">Next attempt <time datetime=${d.next_attempt_at}>${clock(d.next_attempt_at)}</time>${d.status === 'in_flight' ? ' (sending now)' : ''}</p>` : null}
      ${
        session
          ? html`<p>${sessionHref ? html`<a href=${sessionHref} target="_blank" rel="noopener noreferrer">Routine session</a>` : 'Routine session'} <span class="key">${session.session_id ?? session.session_url}</span></p>`
          : null
      }
      ${
        canReplay(d)
          ? html`<${ReplayButton}
              delivery=${d}
              onReplayed=${(text) => {
                setNote(text);
                onReplayed();
              }}
            />`
          : null
      }
      <p class="ok" role="status">${note}</p>
      <dl class="facts small">
        <div><dt>Attempts</dt><dd>${d.attempt_count}</dd></div>
        <div><dt>Idempotency-Key</dt><dd class="key">${d.idempotency_key}</dd></div>
        <div><dt>Created</dt><dd>${clock(d.created_at)}</dd></div>
        <div><dt>Updated</dt><dd>${clock(d.updated_at)}</dd></div>
      </dl>
      ${d.attempts.length > 0 ? html`<${Attempts} attempts=${d.attempts} />` : null}
      <details>
        <summary>Body sent</summary>
        <${JsonView} value=${d.body} label=${`Body sent to ${d.target}`} />
      </details>
    </article>
  `;
}

function Attempts({ attempts }) {
  return html`
    <details open=${attempts.length <= 3}>
      <summary>${plural(attempts.length, 'attempt')}</summary>
      <ol class="attempts">
        ${attempts.map(
          (a) => html`<li key=${a.number}>
            <span class="attempt-head">
              <strong>#${a.number}</strong>
              <time datetime=${a.started_at}>${clock(a.started_at)}</time>
              <span>${a.status_code === null ? 'no answer' : `HTTP ${a.status_code}`}</span>
              <span>${duration(a.duration_ms)}</span>
              <span class=${`badge ${a.outcome}`}>${a.outcome}</span>
            </span>
            ${a.error ? html`<span class="attempt-error">${a.error}</span>` : null}
            ${a.response_snippet ? html`<pre class="code snippet" aria-label="Answer">${a.response_snippet}</pre>` : null}
          </li>`,
        )}
      </ol>
    </details>
  `;
}
