// Per-topic counters for the admin API's topic list: messages published and when the last one was. Bounded: once
// MAX_TRACKED topics are known, new ones are counted only in `untracked` — a client publishing to endless random
// topics must not grow the broker's memory through its statistics.

const MAX_TRACKED = 10_000;

export interface TopicInfo {
  topic: string;
  messages: number;
  lastPublishedAt: string;
}

export class TopicStats {
  private readonly topics = new Map<string, { messages: number; last: number }>();
  /** messages to topics that arrived after the table was full. */
  untracked = 0;

  record(topic: string, now: number): void {
    const entry = this.topics.get(topic);
    if (entry) {
      entry.messages++;
      entry.last = now;
    } else if (this.topics.size < MAX_TRACKED) {
      this.topics.set(topic, { messages: 1, last: now });
    } else {
      this.untracked++;
    }
  }

  get size(): number {
    return this.topics.size;
  }

  list(): TopicInfo[] {
    const out: TopicInfo[] = [];
    for (const [topic, { messages, last }] of this.topics)
      out.push({ topic, messages, lastPublishedAt: new Date(last).toISOString() });
    return out;
  }
}
