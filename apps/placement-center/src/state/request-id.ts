// Request ids on replicated writes (exactly-once retries). A client sends one id per logical write and reuses it on
// every retry; PlacementStateMachine remembers each id's result for DEDUP_WINDOW log entries and answers a repeat
// with that first result instead of applying the command again — whether the repeat arrives long after the first
// attempt committed, or is committed right behind it in the same batch.

/** Mixed into every write command that a client may retry. */
export interface RequestTagged {
  requestId?: string;
}

export const MAX_REQUEST_ID_CHARS = 128;
