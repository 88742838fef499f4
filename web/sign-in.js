// Sign in with the admin token: checked against the API before it is kept.
import { ApiError, api, storeToken } from './api.js';
import { useState } from './hooks.js';
import { html } from './html.js';

export function SignIn({ notice, onSignedIn }) {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(event) {
    event.preventDefault();
    const token = new FormData(event.currentTarget).get('token')?.toString().trim() ?? '';
    if (token === '') {
      setError('Enter the admin token (the value of HOOKGATE_ADMIN_TOKEN).');
      return;
    }
    setBusy(true);
    setError('');
    try {
      await api('events?limit=1', { token });
      storeToken(token);
      onSignedIn(token);
    } catch (e) {
      setError(
        e instanceof ApiError && e.status === 401
          ? 'Wrong admin token: the router refused it. Use the value of HOOKGATE_ADMIN_TOKEN.'
          : `Could not sign in: ${e.message}`,
      );
    } finally {
      setBusy(false);
    }
  }

  return html`
    <form class="card sign-in" onSubmit=${submit} aria-labelledby="sign-in-title">
      <h2 id="sign-in-title" tabindex="-1">Sign in</h2>
      ${notice ? html`<p class="notice">${notice}</p>` : null}
      <p class="muted">The token stays in this tab only (session storage) and is sent only in the Authorization header.</p>
      <label for="token">Admin token</label>
      <input id="token" name="token" type="password" autocomplete="off" required autofocus
        aria-invalid=${error ? 'true' : undefined} aria-describedby=${error ? 'sign-in-error' : undefined} />
      <button type="submit" disabled=${busy}>Sign in</button>
      ${error ? html`<p id="sign-in-error" class="error" role="alert">${error}</p>` : null}
    </form>
  `;
}
