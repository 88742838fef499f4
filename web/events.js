// The events list: newest first, live while on the first page, filtered by provider, event type,
// status and time, searched by dedup key (or provider, or event type), paged by cursor.
import { api, withQuery } from './api.js';
import { ActivityChart } from './chart.js';
import { ago, clock } from './format.js';
import { useEffect, useRef, useState } from './hooks.js';
import { html } from './html.js';
import { useData } from './use-data.js';

const LIVE_EVERY_MS = 3000;
const PAGE_SIZE = 50;
const SINCE_CHOICES = [
  ['', 'Any time'],
  ['15m', 'Last 15 minutes'],
  ['1h', 'Last hour'],
  ['24h', 'Last 24 hours'],
  ['7d', 'Last 7 days'],
];

// Filters survive leaving the list for an event and coming back (this tab only).
const FILTERS_KEY = 'hookgate.eventFilters';
const EMPTY = { q: '', provider: '', event: '', status: '', since: '' };
function savedFilters() {
  try {
    return { ...EMPTY, ...JSON.parse(sessionStorage.getItem(FILTERS_KEY) ?? '{}') };
  } catch {
    return EMPTY;
  }
}

export function EventsView() {
  const [filters, setFilters] = useState(savedFilters);
  // The cursors that led to the page shown (the last one fetched it); none: the first page, the live one.
  const [cursors, setCursors] = useState([]);
  const cursor = cursors.at(-1);
  const live = cursor === undefined;

  useEffect(() => {
    sessionStorage.setItem(FILTERS_KEY, JSON.stringify(filters));
  }, [filters]);

  const { data, error, loading, at } = useData(
    () => api(withQuery('events', { ...filters, limit: PAGE_SIZE, cursor })),
    [JSON.stringify(filters), cursor],
    live ? LIVE_EVERY_MS : 0,
  );

  function apply(next) {
    setCursors([]);
    setFilters((f) => ({ ...f, ...next }));
  }

  return html`
    <section aria-labelledby="events-title">
      <h2 id="events-title" tabindex="-1">Events</h2>
      <${ActivityChart} />
      <${Filters} filters=${filters} onApply=${apply} />
      ${error ? html`<p class="error" role="alert">${error.message}</p>` : null}
      <p class="muted live-line">
        ${live ? html`<span class="dot" aria-hidden="true"></span> Live, newest first` : 'Older events (not live)'}
        ${at ? html` · updated ${clock(new Date(at).toISOString()).slice(11)}` : null}
      </p>
      ${data ? html`<${EventList} items=${data.items} />` : loading ? html`<p>Loading…</p>` : null}
      <div class="pager">
        ${cursors.length > 0 ? html`<button type="button" onClick=${() => setCursors([])}>Newest</button>` : null}
        ${cursors.length > 1 ? html`<button type="button" onClick=${() => setCursors((c) => c.slice(0, -1))}>Newer</button>` : null}
        ${data?.next_cursor ? html`<button type="button" onClick=${() => setCursors((c) => [...c, data.next_cursor])}>Older</button>` : null}
      </div>
    </section>
  `;
}

function Filters({ filters, onApply }) {
  const [draft, setDraft] = useState(filters);
  // Follow filters changed from outside (Clear). Only on a real change: effects run after a frame,
  // and resetting the draft on mount would drop what was typed before that frame.
  const shown = useRef(JSON.stringify(filters));
  useEffect(() => {
    const text = JSON.stringify(filters);
    if (text === shown.current) return;
    shown.current = text;
    setDraft(filters);
  }, [JSON.stringify(filters)]);
  const field = (name) => ({
    value: draft[name],
    onInput: (e) => setDraft((d) => ({ ...d, [name]: e.currentTarget.value })),
  });
  // Choices apply at once; typed fields on Enter or with the button.
  const choice = (name) => ({
    value: draft[name],
    onChange: (e) => {
      const value = e.currentTarget.value;
      setDraft((d) => ({ ...d, [name]: value }));
      onApply({ ...draft, [name]: value });
    },
  });
  return html`
    <form class="filters" role="search" aria-label="Find events" onSubmit=${(e) => {
      e.preventDefault();
      onApply(draft);
    }}>
      <div class="field wide">
        <label for="f-q">Search</label>
        <input id="f-q" type="search" placeholder="dedup key, provider or event type" autocomplete="off" ...${field('q')} />
      </div>
      <div class="field">
        <label for="f-provider">Provider</label>
        <input id="f-provider" autocomplete="off" ...${field('provider')} />
      </div>
      <div class="field">
        <label for="f-event">Event type</label>
        <input id="f-event" autocomplete="off" ...${field('event')} />
      </div>
      <div class="field">
        <label for="f-status">Status</label>
        <select id="f-status" ...${choice('status')}>
          <option value="">Any</option>
          <option value="accepted">Accepted</option>
          <option value="ignored">Ignored</option>
        </select>
      </div>
      <div class="field">
        <label for="f-since">Received</label>
        <select id="f-since" ...${choice('since')}>
          ${SINCE_CHOICES.map(([value, label]) => html`<option value=${value}>${label}</option>`)}
        </select>
      </div>
      <div class="actions">
        <button type="submit">Apply</button>
        <button type="button" class="quiet" onClick=${() => onApply(EMPTY)}>Clear</button>
      </div>
    </form>
  `;
}

function EventList({ items }) {
  if (items.length === 0) return html`<p class="empty">No events match.</p>`;
  const now = Date.now();
  return html`
    <ul class="events">
      ${items.map(
        (e) => html`<li key=${e.id}>
          <a href=${`#/events/${encodeURIComponent(e.id)}`}><span class="key">${e.dedup_key}</span></a>
          <span class="meta">
            <span>${e.provider}</span>
            <span>${e.event_type}</span>
            <span class=${`badge ${e.status}`}>${e.status}</span>
            ${e.ignored.length > 0 && e.status === 'accepted' ? html`<span class="muted">${e.ignored.length} route(s) not fired</span>` : null}
            <time datetime=${e.received_at} title=${clock(e.received_at)}>${ago(e.received_at, now)}</time>
          </span>
        </li>`,
      )}
    </ul>
  `;
}
