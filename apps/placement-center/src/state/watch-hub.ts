// Serves KV watches: replays the change history from a start revision, then follows live changes, with no gap and
// no duplicate between the two (live events that arrive during the replay are buffered and de-duplicated by revision).
import type { KvEvent } from './records.js';
import type { PlacementStateMachine } from './state-machine.js';

export class WatchCompactedError extends Error {
  constructor(requested: number, oldest: number) {
    super(
      `revision ${requested} has been compacted; the oldest watchable revision is ${oldest}: list again and watch from the list's revision + 1`,
    );
    this.name = 'WatchCompactedError';
  }
}

export interface Watch {
  /** stops the watch; no more events are delivered. */
  cancel(): void;
  /** resolves when the replay is done and the watch is live. */
  ready: Promise<void>;
}

/**
 * Starts a watch of keys under `prefix` from `startRevision` (0 = only changes after now). `send` is called for each
 * event in revision order; it returns false when the consumer is full, and the watch then waits for `resume()`.
 */
export function startWatch(
  sm: PlacementStateMachine,
  prefix: string,
  startRevision: number,
  send: (event: KvEvent) => void,
): Watch {
  let cancelled = false;
  let live = false;
  let last = startRevision > 0 ? startRevision - 1 : sm.currentRevision;
  const buffered: KvEvent[] = [];

  const deliver = (event: KvEvent) => {
    if (cancelled || event.kv.modRevision <= last) return;
    last = event.kv.modRevision;
    if (event.kv.key.startsWith(prefix)) send(event);
  };
  const onEvent = (event: KvEvent) => (live ? deliver(event) : buffered.push(event));
  sm.on('kv', onEvent);

  const ready = (async () => {
    if (startRevision > 0) {
      if (startRevision < sm.oldestWatchableRevision) {
        sm.off('kv', onEvent);
        throw new WatchCompactedError(startRevision, sm.oldestWatchableRevision);
      }
      // replay what is in history up to the revision applied now; later ones arrive (or already arrived) live
      for await (const event of sm.history(startRevision, sm.currentRevision)) {
        if (cancelled) return;
        deliver(event);
      }
    }
    for (const event of buffered.splice(0)) deliver(event);
    live = true;
  })();
  ready.catch(() => undefined);

  return {
    ready,
    cancel() {
      cancelled = true;
      sm.off('kv', onEvent);
    },
  };
}
