// Waiting in tests: poll a condition until it holds or a deadline passes, with a message that says what was awaited
// (and, for a child process, what it printed), instead of a bare timeout.

import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** more to say when it times out or gives up (a process's output). */
  detail?: () => string;
  /** A reason to give up at once rather than wait out the deadline (a child process that exited), or undefined. */
  giveUp?: () => string | undefined;
}

/**
 * Polls `probe` until it returns something other than undefined/false (and does not throw); returns that value.
 * A probe that throws counts as "not yet"; its last error is in the timeout message.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  options: WaitOptions = {},
): Promise<T> {
  const { timeoutMs = 15_000, intervalMs = 50 } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  const failure = (reason: string): Error => {
    const detail = options.detail?.();
    return new Error(
      `${reason} waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}${detail ? `\n--- output ---\n${detail}` : ''}`,
    );
  };
  for (;;) {
    const gaveUp = options.giveUp?.();
    if (gaveUp !== undefined) throw failure(gaveUp);
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) throw failure(`timed out after ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}

/** Waits until `condition()` is true. */
export async function waitUntil(
  what: string,
  condition: () => boolean | Promise<boolean>,
  options: WaitOptions = {},
): Promise<void> {
  await waitFor(what, async () => (await condition()) || undefined, options);
}

/** Waits for `GET url` to answer 2xx with a JSON body that `accept` likes (default: any). */
export async function waitForHttp(
  url: string,
  accept: (body: unknown) => boolean = () => true,
  options: WaitOptions = {},
): Promise<unknown> {
  return waitFor(
    `${url} to answer`,
    async () => {
      const res = await fetch(url);
      if (!res.ok) return undefined;
      const body: unknown = await res.json();
      return accept(body) ? body : undefined;
    },
    options,
  );
}
