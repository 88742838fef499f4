// "Route again": the stored event through the current routes.yaml (after a fix, say), without a
// new signature check. The router adds only the (route, target) pairs the event does not have
// yet, so nothing already sent is sent again.
import { api } from './api.js';
import { plural } from './format.js';
import { useState } from './hooks.js';
import { html } from './html.js';

export function RerouteButton({ event, onRerouted }) {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState(null);

  async function reroute() {
    setBusy(true);
    setMessage(null);
    try {
      const answer = await api(`events/${encodeURIComponent(event.id)}/reroute`, { method: 'POST' });
      setMessage({
        ok: true,
        text:
          answer.status === 'accepted'
            ? `Routed again: ${plural(answer.deliveries, 'new delivery', 'new deliveries')}.`
            : 'Routed again: still not fired by any route (reasons below).',
      });
      onRerouted();
    } catch (e) {
      setMessage({ ok: false, text: `Route again failed: ${e.message}` });
    } finally {
      setBusy(false);
    }
  }

  return html`
    <div class="replay">
      <button type="button" class="quiet" disabled=${busy} onClick=${reroute}>Route again</button>
      <span class="muted">through the current routes.yaml; nothing already sent is sent twice</span>
      <p class=${message?.ok === false ? 'error' : 'ok'} role="status">${message?.text ?? ''}</p>
    </div>
  `;
}
