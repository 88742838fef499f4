// A JSON value as nested, collapsible lists (<details>: keyboard and screen reader friendly),
// with the pretty-printed text one click away for copying.
import { pretty } from './format.js';
import { html } from './html.js';

const TREE_LIMIT = 200_000;

function Leaf({ value }) {
  if (value === null) return html`<span class="j-null">null</span>`;
  if (typeof value === 'string') return html`<span class="j-string">${JSON.stringify(value)}</span>`;
  if (typeof value === 'number') return html`<span class="j-number">${String(value)}</span>`;
  if (typeof value === 'boolean') return html`<span class="j-bool">${String(value)}</span>`;
  return html`<span>${String(value)}</span>`;
}

function Node({ name, value, depth }) {
  const label = name === undefined ? null : html`<span class="j-key">${name}</span>: `;
  if (value === null || typeof value !== 'object') return html`<li>${label}<${Leaf} value=${value} /></li>`;
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  const shape = Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`;
  if (entries.length === 0) return html`<li>${label}<span class="muted">${Array.isArray(value) ? '[]' : '{}'}</span></li>`;
  return html`<li>
    <details open=${depth < 2}>
      <summary>${label}<span class="muted">${shape}</span></summary>
      <ul>${entries.map(([k, v]) => html`<${Node} key=${k} name=${k} value=${v} depth=${depth + 1} />`)}</ul>
    </details>
  </li>`;
}

export function JsonView({ value, label }) {
  if (value === null || value === undefined) return html`<p class="muted">No body.</p>`;
  if (typeof value === 'string') return html`<pre class="code" aria-label=${label}>${value}</pre>`;
  // A tree of tens of thousands of nodes would stall the tab: large bodies are shown as text.
  const text = pretty(value);
  if (text.length > TREE_LIMIT) return html`<pre class="code" aria-label=${label}>${text}</pre>`;
  return html`
    <ul class="json" aria-label=${label}><${Node} value=${value} depth=${0} /></ul>
    <details class="raw">
      <summary>Pretty-printed JSON</summary>
      <pre class="code">${text}</pre>
    </details>
  `;
}
