// The inspector's shell: sign-in, the views' navigation (in the URL's #fragment, which holds no
// secret), and sign-out when the router stops accepting the token.
import { forgetToken, onTokenRefused, storedToken } from './api.js';
import { BudgetsView } from './budgets.js';
import { DeadLettersView } from './dead-letters.js';
import { EventView } from './event.js';
import { EventsView } from './events.js';
import { useEffect, useRef, useState } from './hooks.js';
import { html } from './html.js';
import { render } from './preact.js';
import { SignIn } from './sign-in.js';
import { TargetsView } from './targets.js';

const VIEWS = [
  { path: 'events', label: 'Events' },
  { path: 'dead', label: 'Dead letters' },
  { path: 'targets', label: 'Targets' },
  { path: 'budgets', label: 'Budgets' },
];

function currentRoute() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  return { view: parts[0] ?? 'events', id: parts[1] ?? null };
}

function useRoute() {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}

function Nav({ view, onSignOut }) {
  return html`
    <nav aria-label="Views">
      <ul>
        ${VIEWS.map(
          (v) => html`<li key=${v.path}>
            <a href=${`#/${v.path}`} aria-current=${view === v.path ? 'page' : undefined}>${v.label}</a>
          </li>`,
        )}
      </ul>
      <button type="button" class="quiet" onClick=${onSignOut}>Sign out</button>
    </nav>
  `;
}

function Main({ route }) {
  const ref = useRef(null);
  // A new view moves focus to its heading, so keyboard and screen reader users land on it.
  useEffect(() => {
    ref.current?.querySelector('h2')?.focus();
    const label = route.id ? `Event ${route.id}` : (VIEWS.find((v) => v.path === route.view)?.label ?? 'Events');
    document.title = `${label} · hookgate inspector`;
  }, [route.view, route.id]);
  let content;
  if (route.view === 'events' && route.id) content = html`<${EventView} id=${route.id} />`;
  else if (route.view === 'dead') content = html`<${DeadLettersView} />`;
  else if (route.view === 'targets') content = html`<${TargetsView} />`;
  else if (route.view === 'budgets') content = html`<${BudgetsView} />`;
  else content = html`<${EventsView} />`;
  return html`<main id="main" ref=${ref}>${content}</main>`;
}

function App() {
  const [token, setToken] = useState(storedToken);
  const [notice, setNotice] = useState('');
  const route = useRoute();

  useEffect(
    () =>
      onTokenRefused(() => {
        forgetToken();
        setToken(null);
        setNotice('The router no longer accepts this admin token (it may have been changed). Sign in again.');
      }),
    [],
  );

  function signOut() {
    forgetToken();
    setToken(null);
    setNotice('Signed out.');
  }

  return html`
    <a class="skip" href="#main">Skip to content</a>
    <header>
      <h1><a href="#/events">hookgate</a> <span class="muted">inspector</span></h1>
      ${token ? html`<${Nav} view=${route.view} onSignOut=${signOut} />` : null}
    </header>
    ${
      token
        ? html`<${Main} route=${route} />`
        : html`<main id="main">
            <${SignIn}
              notice=${notice}
              onSignedIn=${(t) => {
                setNotice('');
                setToken(t);
              }}
            />
          </main>`
    }
  `;
}

const root = document.getElementById('app');
root.textContent = '';
render(html`<${App} />`, root);
