// Load data from the admin API, again whenever `deps` change and, when `everyMs` is set, every
// `everyMs` while the tab is visible (the live part of the page). `idle` slows that down while
// nothing is moving: given (data) => true, a tick is skipped unless `idleMs` passed since the last
// load. A reply that arrives after a newer request was started is dropped, so a slow answer never
// overwrites a fresh one.
import { useCallback, useEffect, useRef, useState } from './hooks.js';

export function useData(load, deps, everyMs = 0, idle = null) {
  const [state, setState] = useState({ data: null, error: null, loading: true, at: 0 });
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const latest = useRef(state);
  latest.current = state;
  const idleRef = useRef(idle);
  idleRef.current = idle;

  const reload = useCallback(async () => {
    const mine = ++generation.current;
    try {
      const data = await loadRef.current();
      if (mine === generation.current) setState({ data, error: null, loading: false, at: Date.now() });
    } catch (error) {
      if (mine === generation.current) setState((s) => ({ ...s, error, loading: false, at: Date.now() }));
    }
  }, []);

  useEffect(() => {
    setState((s) => ({ ...s, loading: true }));
    reload();
    if (!everyMs) return undefined;
    const timer = setInterval(() => {
      if (document.visibilityState !== 'visible') return;
      const { data, at } = latest.current;
      const rule = idleRef.current;
      if (rule && data !== null && rule.when(data) && Date.now() - at < rule.everyMs) return;
      reload();
    }, everyMs);
    return () => clearInterval(timer);
  }, [...deps, everyMs]);

  return { ...state, reload };
}
