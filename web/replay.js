// The Replay button of one delivery. An `unknown` outcome asks first: the routine may already
// have started a run, and a replay starts another.
import { api } from './api.js';
import { statusWord } from './format.js';
import { useEffect, useRef, useState } from './hooks.js';
import { html } from './html.js';

export function ReplayButton({ delivery, onReplayed }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState(null);
  const confirmRef = useRef(null);
  const unknown = statusWord(delivery) === 'unknown';

  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  async function replay() {
    setBusy(true);
    setMessage(null);
    try {
      await api(`deliveries/${encodeURIComponent(delivery.id)}/replay`, { method: 'POST' });
      setConfirming(false);
      // The button goes away once the delivery is pending again: the caller keeps the message.
      onReplayed?.('Replay queued: the delivery is pending again.');
    } catch (e) {
      setMessage({ ok: false, text: `Replay failed: ${e.message}` });
    } finally {
      setBusy(false);
    }
  }

  const hint = `replay-hint-${delivery.id}`;
  return html`
    <div class="replay">
      ${
        confirming
          ? html`<div class="confirm" role="group" aria-labelledby=${hint}>
              <p id=${hint}>
                The outcome of this delivery is unknown: the routine may have started a run already.
                Replaying it may start the same work a second time.
              </p>
              <button type="button" class="danger" ref=${confirmRef} disabled=${busy} onClick=${replay}>Replay anyway</button>
              <button type="button" class="quiet" onClick=${() => setConfirming(false)}>Cancel</button>
            </div>`
          : html`<button type="button" disabled=${busy} onClick=${() => (unknown ? setConfirming(true) : replay())}>Replay</button>`
      }
      ${message ? html`<p class=${message.ok ? 'ok' : 'error'} role=${message.ok ? 'status' : 'alert'}>${message.text}</p>` : null}
    </div>
  `;
}
