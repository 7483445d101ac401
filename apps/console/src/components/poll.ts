// Polling a value every few seconds while a page is shown (stopped when it is left or the tab is hidden).
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';

export function usePoll<T>(
  load: () => Promise<T>,
  intervalMs: number,
  deps: unknown[] = [],
): { data: T | undefined; error: string | undefined; reload: () => void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      if (!document.hidden) {
        try {
          const value = await load();
          if (stopped) return;
          setData(value);
          setError(undefined);
        } catch (err) {
          if (stopped) return;
          setError(err instanceof ApiError ? `${err.code}: ${err.message}` : String(err));
        }
      }
      if (!stopped) timer = setTimeout(() => void run(), intervalMs);
    };
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [intervalMs, tick, ...deps]);
  return { data, error, reload: () => setTick((t) => t + 1) };
}
