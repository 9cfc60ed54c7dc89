import { useCallback, useEffect, useRef, useState } from './html.js';

/**
 * Loads now and again every `intervalMs`, so the page shows what changed without a reload. An
 * answer that arrives after `deps` changed is dropped. `refresh` loads at once (after an action).
 */
export function usePolling(load, intervalMs, deps) {
  const [state, setState] = useState({ data: null, error: null, at: null });
  const loadRef = useRef(load);
  loadRef.current = load;
  const generation = useRef(0);
  const refresh = useCallback(async () => {
    const mine = generation.current;
    try {
      const data = await loadRef.current();
      if (mine === generation.current) setState({ data, error: null, at: new Date() });
    } catch (error) {
      if (mine === generation.current) setState((previous) => ({ ...previous, error, at: new Date() }));
    }
  }, []);
  useEffect(() => {
    generation.current += 1;
    setState({ data: null, error: null, at: null });
    refresh();
    const timer = setInterval(refresh, intervalMs);
    return () => clearInterval(timer);
  }, deps);
  return { ...state, refresh };
}
