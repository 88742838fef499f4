// The admin API as the page calls it. The token lives in sessionStorage (gone when the tab
// closes, never in a URL or a cookie) and travels only in the Authorization header. Paths are
// relative to the page (/admin/), so the page works behind a proxy that adds a path prefix.

const TOKEN_KEY = 'hookgate.adminToken';

export function storedToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function storeToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function forgetToken() {
  try {
    sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage disabled: nothing was kept.
  }
}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

// Listeners told when the router refuses the stored token (it changed, or the router restarted).
const refusedListeners = new Set();
export function onTokenRefused(listener) {
  refusedListeners.add(listener);
  return () => refusedListeners.delete(listener);
}

/** `path?query` with empty values left out. */
export function withQuery(path, params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text === '' ? path : `${path}?${text}`;
}

/**
 * JSON from the admin API; throws ApiError with the API's own message. `token` defaults to the
 * stored one (sign-in passes the candidate explicitly).
 */
export async function api(path, { method = 'GET', body, token = storedToken(), signal } = {}) {
  const headers = { accept: 'application/json', authorization: `Bearer ${token ?? ''}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
      signal,
    });
  } catch (error) {
    if (error?.name === 'AbortError') throw error;
    throw new ApiError(0, 'The router did not answer (network error). It may be restarting; this page retries.');
  }
  const text = await res.text();
  let json = null;
  try {
    json = text === '' ? null : JSON.parse(text);
  } catch {
    json = null;
  }
  if (!res.ok) {
    const message = json && typeof json.error === 'string' ? json.error : `HTTP ${res.status}`;
    const error = new ApiError(res.status, message);
    if (res.status === 401 && token === storedToken()) for (const listener of refusedListeners) listener(error);
    throw error;
  }
  return json;
}
