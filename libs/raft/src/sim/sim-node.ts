// One simulated server: a RawNode over durable storage, its unsynced writes, its KV replica and pending client work.
import type { Ready } from '../ready.js';
import type { RawNode, WriteInProgress } from '../raw-node.js';
import { MemoryStorage } from '../memory-storage.js';
import type { ConfState, NodeId } from '../types.js';
import type { KvStateMachine } from './kv-state-machine.js';

/** A client operation waiting on this node for its outcome. */
export interface Waiter {
  readonly client: number;
  readonly seq: number;
}

export class SimNode {
  /** What survives a crash: everything a completed sync wrote. */
  readonly storage: MemoryStorage;
  raw: RawNode | undefined;
  kv: KvStateMachine | undefined;
  /** Bumped on every crash, so in-flight syncs of a previous life are discarded. */
  incarnation = 0;
  /** A Ready whose writes are not durable yet (lost if we crash first). */
  syncing: Ready | undefined;
  /** A leader's Readys advanced before their writes were durable (Scenario.leaderWritesAhead), oldest first. */
  writing: { rd: Ready; handle: WriteInProgress }[] = [];
  /** When the last of `writing` completes (writes complete in order; a Ready after them syncs after that). */
  writesDoneAt = 0;
  /** Started at least once (spare ids start when a membership change adds them). */
  started = false;
  /** Removed from the cluster by a committed change: stopped for good. */
  removed = false;
  /** Proposals by log index: the client's op took effect iff the entry applied there has `term`. */
  readonly proposals = new Map<number, Waiter & { term: number }>();
  /** ReadIndex requests waiting for their ReadState, by context. */
  readonly reads = new Map<string, Waiter & { key: string }>();
  /** ReadStates waiting for the state machine to catch up. */
  readyReads: (Waiter & { index: number; key: string })[] = [];

  constructor(
    readonly id: NodeId,
    bootstrap: ConfState | undefined,
  ) {
    this.storage = bootstrap ? new MemoryStorage(bootstrap) : new MemoryStorage();
  }

  get up(): boolean {
    return this.raw !== undefined;
  }

  /** Crash: volatile state and unsynced writes are gone; durable storage stays. */
  crash(): void {
    this.raw = undefined;
    this.kv = undefined;
    this.syncing = undefined;
    this.writing = [];
    this.writesDoneAt = 0;
    this.incarnation++;
    this.proposals.clear();
    this.reads.clear();
    this.readyReads = [];
  }
}
