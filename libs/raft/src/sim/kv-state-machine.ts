// The replicated KV state machine run on top of Raft in the simulator: applies entries, snapshots, restores.
import { decodeConfChangeEntry } from '../conf-change.js';
import type { KvInput, KvOutput } from '../linearizability/kv-model.js';
import { EMPTY_CONF_STATE, type ConfState, type Entry, type Snapshot } from '../types.js';
import { decodeKvRequest, type KvRequest } from './kv-command.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface AppliedEntry {
  readonly request: KvRequest | undefined;
  readonly output: KvOutput | undefined;
}

export class KvStateMachine {
  private data = new Map<string, string>();
  applied = 0;
  confState: ConfState = EMPTY_CONF_STATE;

  get(key: string): string | null {
    return this.data.get(key) ?? null;
  }

  execute(input: KvInput): KvOutput {
    switch (input.op) {
      case 'put':
        this.data.set(input.key, input.value);
        return { op: 'put' };
      case 'delete':
        this.data.delete(input.key);
        return { op: 'delete' };
      case 'get':
        return { op: 'get', value: this.get(input.key) };
      case 'cas': {
        const ok = this.get(input.key) === input.expected;
        if (ok) this.data.set(input.key, input.value);
        return { op: 'cas', ok };
      }
    }
  }

  /** Applies the next committed entry (which must be applied+1). */
  apply(e: Entry): AppliedEntry {
    if (e.index !== this.applied + 1) {
      throw new Error(
        `state machine applied ${this.applied}, got entry ${e.index}: entries skipped or repeated`,
      );
    }
    this.applied = e.index;
    if (e.type === 'confChange') {
      this.confState = decodeConfChangeEntry(e.data).confState;
      return { request: undefined, output: undefined };
    }
    if (e.data.byteLength === 0) return { request: undefined, output: undefined };
    const request = decodeKvRequest(e.data);
    return { request, output: this.execute(request.input) };
  }

  snapshotData(): Uint8Array {
    return encoder.encode(
      JSON.stringify([...this.data.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    );
  }

  restore(s: Snapshot): void {
    const entries = s.data.byteLength === 0 ? [] : (JSON.parse(decoder.decode(s.data)) as [string, string][]);
    this.data = new Map(entries);
    this.applied = s.metadata.index;
    this.confState = s.metadata.confState;
  }

  /** A canonical rendering of the state, for comparing replicas at the same applied index. */
  digest(): string {
    return decoder.decode(this.snapshotData());
  }
}
