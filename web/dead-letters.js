// Dead letters across targets: the list, one Replay per delivery, and a bulk replay that first
// shows what it would re-queue (a dry run: the count and the list), then asks to confirm.
// `unknown` outcomes are replayed in bulk only when chosen explicitly.
import { api, withQuery } from './api.js';
import { canReplay, clock, deadReasonText, plural, statusWord } from './format.js';
import { useEffect, useRef, useState } from './hooks.js';
import { html } from './html.js';
import { ReplayButton } from './replay.js';
import { useData } from './use-data.js';

export function DeadLettersView() {
  const [filters, setFilters] = useState({ target: '', route: '' });
  const [cursors, setCursors] = useState([]);
  const [note, setNote] = useState('');
  const cursor = cursors.at(-1);
  const { data, error, reload } = useData(
    () => api(withQuery('deliveries', { status: 'dead', ...filters, limit: 50, cursor })),
    [filters.target, filters.route, cursor],
    cursor === undefined ? 5000 : 0,
  );

  return html`
    <section aria-labelledby="dead-title">
      <h2 id="dead-title" tabindex="-1">Dead letters</h2>
      <form class="filters" aria-label="Filter dead letters" onSubmit=${(e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        setCursors([]);
        setFilters({ target: String(form.get('target') ?? '').trim(), route: String(form.get('route') ?? '').trim() });
      }}>
        <div class="field"><label for="d-target">Target</label><input id="d-target" name="target" autocomplete="off" /></div>
        <div class="field"><label for="d-route">Route</label><input id="d-route" name="route" autocomplete="off" /></div>
        <div class="actions"><button type="submit">Apply</button></div>
      </form>
      <${BulkReplay} filters=${filters} onDone=${reload} />
      ${error ? html`<p class="error" role="alert">${error.message}</p>` : null}
      <p class="ok" role="status">${note}</p>
      ${
        data
          ? html`<${DeadList}
              items=${data.items}
              onReplayed=${(text) => {
                setNote(text);
                reload();
              }}
            />`
          : null
      }
      <div class="pager">
        ${cursors.length > 0 ? html`<button type="button" onClick=${() => setCursors([])}>Newest</button>` : null}
        ${data?.next_cursor ? html`<button type="button" onClick=${() => setCursors((c) => [...c, data.next_cursor])}>Older</button>` : null}
      </div>
    </section>
  `;
}

function DeadList({ items, onReplayed }) {
  if (items.length === 0) return html`<p class="empty">No dead letters. Everything was delivered or is still being tried.</p>`;
  return html`<ul class="dead-list">
    ${items.map(
      (d) => html`<li key=${d.id} class="card">
        <p>
          <a href=${`#/events/${encodeURIComponent(d.event_id)}`}>${d.route} → ${d.target}</a>${' '}
          <span class=${`badge ${statusWord(d)}`}>${statusWord(d)}</span>
        </p>
        <p class="reason">${deadReasonText(d.dead_reason)}${d.error ? html`: <code>${d.error}</code>` : null}</p>
        <p class="muted">${d.provider} · ${d.event_type} · ${plural(d.attempt_count, 'attempt')} · ${clock(d.updated_at)}</p>
        ${canReplay(d) ? html`<${ReplayButton} delivery=${d} onReplayed=${onReplayed} />` : null}
      </li>`,
    )}
  </ul>`;
}

function BulkReplay({ filters, onDone }) {
  const [which, setWhich] = useState('dead');
  const [planned, setPlanned] = useState(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState(null);
  const planRef = useRef(null);
  // A preview holds only for the choices it was made with.
  const scopeKey = JSON.stringify([filters.target, filters.route, which]);
  const plan = planned?.key === scopeKey ? planned.result : null;
  const setPlan = (result) => setPlanned(result === null ? null : { key: scopeKey, result });

  useEffect(() => {
    if (plan) planRef.current?.focus();
  }, [plan]);

  const body = () => ({ status: 'dead', ...filters, ...(which === 'unknown' ? { reason: 'unknown' } : {}) });

  async function dryRun() {
    setBusy(true);
    setMessage(null);
    try {
      setPlan(await api('replay', { method: 'POST', body: { ...body(), dryRun: true } }));
    } catch (e) {
      setMessage({ ok: false, text: `Dry run failed: ${e.message}` });
    } finally {
      setBusy(false);
    }
  }

  async function confirm() {
    setBusy(true);
    try {
      const result = await api('replay', { method: 'POST', body: body() });
      setPlan(null);
      setMessage({ ok: true, text: `${plural(result.replayed, 'delivery', 'deliveries')} queued again.` });
      onDone();
    } catch (e) {
      setMessage({ ok: false, text: `Replay failed: ${e.message}` });
    } finally {
      setBusy(false);
    }
  }

  const scope = [filters.target && `target ${filters.target}`, filters.route && `route ${filters.route}`].filter(Boolean).join(', ');
  return html`
    <div class="card bulk">
      <h3>Bulk replay</h3>
      <div class="field">
        <label for="bulk-which">Which deliveries</label>
        <select id="bulk-which" value=${which} onChange=${(e) => setWhich(e.currentTarget.value)}>
          <option value="dead">Dead letters (outcome known)</option>
          <option value="unknown">Unknown outcomes only (a run may have started)</option>
        </select>
      </div>
      <button type="button" disabled=${busy} onClick=${dryRun}>Preview replay${scope ? ` (${scope})` : ''}</button>
      ${
        plan
          ? html`<div class="confirm" role="group" aria-labelledby="bulk-plan" tabindex="-1" ref=${planRef}>
              <p id="bulk-plan">
                <strong>${plural(plan.count, 'delivery', 'deliveries')}</strong> would be re-queued${scope ? ` (${scope})` : ''}.
                ${which === 'unknown' ? ' Each may start its routine a second time.' : ''}
              </p>
              ${
                plan.items && plan.items.length > 0
                  ? html`<ul class="plan">
                      ${plan.items.map(
                        (d) =>
                          html`<li key=${d.id}><a href=${`#/events/${encodeURIComponent(d.event_id)}`}>${d.route} → ${d.target}</a> <span class="muted">${d.event_type} · ${clock(d.updated_at)}</span></li>`,
                      )}
                    </ul>
                    ${plan.items.length < plan.count ? html`<p class="muted">The first ${plan.items.length} are listed.</p>` : null}`
                  : null
              }
              ${
                plan.count > 0
                  ? html`<button type="button" class=${which === 'unknown' ? 'danger' : ''} disabled=${busy} onClick=${confirm}>
                      Replay ${plural(plan.count, 'delivery', 'deliveries')}
                    </button>`
                  : null
              }
              <button type="button" class="quiet" onClick=${() => setPlan(null)}>Cancel</button>
            </div>`
          : null
      }
      ${message ? html`<p class=${message.ok ? 'ok' : 'error'} role=${message.ok ? 'status' : 'alert'}>${message.text}</p>` : null}
    </div>
  `;
}
