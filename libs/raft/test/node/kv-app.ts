// A tiny replicated key-value state machine for RaftNode tests and the benchmark: set/get commands as JSON.
import type { RaftApplication } from '../../src/node/index.js';

export type KvCommand = { op: 'set'; key: string; value: string } | { op: 'get'; key: string };

const enc = new TextEncoder();
const dec = new TextDecoder();

export const kvCommand = (c: KvCommand): Uint8Array => enc.encode(JSON.stringify(c));

/** In memory, so its durable applied index is 0: after a restart the node replays from its snapshot and log. */
export class KvApp implements RaftApplication {
  readonly data = new Map<string, string>();
  applied = 0;
  applyCalls = 0;
  restores = 0;

  async applyEntries(entries: { index: number; term: number; data: Uint8Array }[]): Promise<unknown[]> {
    this.applyCalls++;
    // commands proposed together share their entry's index
    const floor = this.applied;
    return entries.map((e) => {
      if (e.index <= floor) throw new Error(`entry ${e.index} applied twice (applied ${this.applied})`);
      this.applied = e.index;
      const c = JSON.parse(dec.decode(e.data)) as KvCommand;
      if (c.op === 'get') return this.data.get(c.key);
      const prev = this.data.get(c.key);
      this.data.set(c.key, c.value);
      return prev;
    });
  }

  async snapshot(): Promise<{ index: number; data: Uint8Array }> {
    return { index: this.applied, data: enc.encode(JSON.stringify([...this.data])) };
  }

  async restore(s: { index: number; data: Uint8Array }): Promise<void> {
    this.restores++;
    this.data.clear();
    for (const [k, v] of JSON.parse(dec.decode(s.data)) as [string, string][]) this.data.set(k, v);
    this.applied = s.index;
  }

  appliedIndex(): number {
    return 0;
  }
}
