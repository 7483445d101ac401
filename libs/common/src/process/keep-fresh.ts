// A copy of placement data a service keeps in memory (ACL rules, the blacklist, topic-rewrite rules) and refreshes on
// an interval: loaded once at start, where a failure is the caller's (start-up fails when placement cannot be
// reached), then re-read every interval, where a failure is logged and the last copy kept — a placement hiccup must
// not open or close the door on clients.
import type { Logger } from '../log/logger.js';

export interface KeptFresh {
  stop(): void;
}

/**
 * Runs `refresh` now and then every `refreshIntervalMs` (an unref'd timer: it never holds the process open). `what`
 * names the copy in the warning of a failed refresh.
 */
export async function keepFresh(
  refresh: () => Promise<void>,
  options: { refreshIntervalMs: number; logger: Logger },
  what: string,
): Promise<KeptFresh> {
  await refresh();
  const timer = setInterval(() => {
    refresh().catch((err: unknown) =>
      options.logger.warn({ err }, `refreshing ${what} failed; keeping the last copy`),
    );
  }, options.refreshIntervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
