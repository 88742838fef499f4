// Budgets (used, held, paused until) and open groups (their keys and when they fire), from
// /admin/budgets and /admin/groups. A router without them (404) or with none shows so plainly.
import { ApiError, api } from './api.js';
import { clock } from './format.js';
import { html } from './html.js';
import { useData } from './use-data.js';

/** The listing's items, or [] when this router has no such endpoint. */
async function itemsOrNone(path) {
  try {
    return (await api(path)).items ?? [];
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return [];
    throw e;
  }
}

export function BudgetsView() {
  const { data, error } = useData(() => Promise.all([itemsOrNone('budgets'), itemsOrNone('groups')]), [], 5000);
  const [budgets, groups] = data ?? [null, null];
  return html`
    <section aria-labelledby="budgets-title">
      <h2 id="budgets-title" tabindex="-1">Budgets</h2>
      ${error ? html`<p class="error" role="alert">${error.message}</p>` : null}
      ${budgets && budgets.length === 0 ? html`<p class="empty">No budgets configured.</p>` : null}
      <ul class="targets">
        ${(budgets ?? []).map(
          (b) => html`<li key=${b.name} class="card">
            <h3>${b.name} ${b.pausedUntil ? html`<span class="badge dead">paused</span>` : null}</h3>
            <meter min="0" max=${b.limit} value=${Math.min(b.used, b.limit)} aria-label=${`${b.name}: ${b.used} of ${b.limit} used`}></meter>
            <dl class="facts small">
              <div><dt>Used</dt><dd>${b.used} of ${b.limit} per ${b.per}</dd></div>
              <div><dt>Held</dt><dd>${b.held}</dd></div>
              <div><dt>Paused until</dt><dd>${b.pausedUntil ? clock(b.pausedUntil) : '—'}</dd></div>
            </dl>
          </li>`,
        )}
      </ul>
      <h3>Open groups</h3>
      ${groups && groups.length === 0 ? html`<p class="empty">No open groups.</p>` : null}
      <ul class="targets">
        ${(groups ?? []).map(
          (g) => html`<li key=${`${g.route}/${g.key}`} class="card">
            <p><span class="route">${g.route}</span> · key <span class="key">${g.key}</span></p>
            <dl class="facts small">
              <div><dt>Events</dt><dd>${g.count}</dd></div>
              <div><dt>First</dt><dd>${clock(g.firstAt)}</dd></div>
              <div><dt>Last</dt><dd>${clock(g.lastAt)}</dd></div>
              <div><dt>Fires at</dt><dd>${clock(g.firesAt)}</dd></div>
            </dl>
          </li>`,
        )}
      </ul>
    </section>
  `;
}
