/**
 * Loads one API resource with loading and error states; optionally polls it while the tab is visible
 * (a hidden tab costs the gateway nothing) and reloads at once when the tab becomes visible again.
 * A failed poll keeps the last data and reports the error beside it.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/client.js';

export interface Resource<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  /** When the data last arrived. */
  loadedAt: Date | undefined;
  reload: () => Promise<void>;
}

export function useResource<T>(
  load: () => Promise<T>,
  deps: unknown[],
  options: { pollMs?: number } = {},
): Resource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [loadedAt, setLoadedAt] = useState<Date | undefined>(undefined);
  const generation = useRef(0);

  const run = useCallback(async (background: boolean) => {
    const mine = ++generation.current;
    if (!background) setLoading(true);
    try {
      const value = await load();
      if (mine !== generation.current) return;
      setData(value);
      setError(undefined);
      setLoadedAt(new Date());
    } catch (err) {
      if (mine !== generation.current) return;
      setError(err instanceof ApiError ? err : new ApiError(0, 'internal', String(err)));
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, deps);

  useEffect(() => {
    setData(undefined);
    void run(false);
    return () => void generation.current++;
  }, [run]);

  useEffect(() => {
    const pollMs = options.pollMs;
    if (!pollMs) return;
    const tick = () => {
      if (document.visibilityState === 'visible') void run(true);
    };
    const timer = window.setInterval(tick, pollMs);
    document.addEventListener('visibilitychange', tick);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', tick);
    };
  }, [run, options.pollMs]);

  return { data, error, loading, loadedAt, reload: () => run(true) };
}
