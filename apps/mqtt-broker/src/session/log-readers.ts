// The sessions that read the broker's own message log rather than get messages from routing: persistent sessions
// whose client is away, sessions catching up after a reconnect or a full in-flight window, sessions between CONNECT
// and going live. A QoS 0 message that none of their subscriptions matches needs no place in the log: every session
// that wants it gets it from routing at once, and nobody will ever read it back (docs/architecture.md "QoS 0 outside
// the message log"). So the broker asks here, per QoS 0 message, whether to append it.
//
// The answer may be "yes" when it could be "no" (a No Local subscription of the publisher, a reader about to go live)
// — that only costs an append — but never "no" when a reader's subscription matches: such a session would silently
// miss a message it was entitled to read.
import type { Subscription } from '../routing/subscription.js';
import { TopicTrie } from '../routing/topic-trie.js';

/** What the index needs of a session: its plain and shared subscriptions by filter. */
export interface LogReader {
  subscriptionEntries(): Iterable<[string, Subscription]>;
}

/** topics whose answer is remembered until the readers or their subscriptions change. */
const ANSWER_CACHE_TOPICS = 4096;

export class LogReaders<S extends LogReader> {
  private readonly readers = new Set<S>();
  /** the plain subscriptions of the readers (shared ones never read the log: routing serves them only). */
  private readonly trie = new TopicTrie<S, true>();
  private readonly answers = new Map<string, boolean>();

  /** sessions now reading the log. */
  get size(): number {
    return this.readers.size;
  }

  /** A session reads the log from now on (or still does: idempotent). */
  add(session: S): void {
    if (this.readers.has(session)) return;
    this.readers.add(session);
    let added = false;
    for (const [filter, subscription] of session.subscriptionEntries()) {
      if (subscription.share !== undefined) continue;
      this.trie.add(filter, session, true);
      added = true;
    }
    if (added) this.answers.clear();
  }

  /** A session gets its messages from routing again, or has ended (idempotent). */
  delete(session: S): void {
    if (!this.readers.delete(session)) return;
    let removed = false;
    for (const [filter, subscription] of session.subscriptionEntries()) {
      if (subscription.share !== undefined) continue;
      if (this.trie.remove(filter, session)) removed = true;
    }
    if (removed) this.answers.clear();
  }

  /** A session's subscription was added or replaced: indexed if the session reads the log. */
  subscribed(session: S, filter: string, subscription: Subscription): void {
    if (!this.readers.has(session) || subscription.share !== undefined) return;
    this.trie.add(filter, session, true);
    this.answers.clear();
  }

  /** A session's subscription was removed. */
  unsubscribed(session: S, filter: string): void {
    if (!this.readers.has(session)) return;
    if (this.trie.remove(filter, session)) this.answers.clear();
  }

  /** Whether a subscription of some reader matches `topic`: a message to it must be in the log. */
  wants(topic: string): boolean {
    if (this.trie.size === 0) return false;
    let answer = this.answers.get(topic);
    if (answer !== undefined) return answer;
    answer = false;
    this.trie.match(topic, () => {
      answer = true;
    });
    if (this.answers.size >= ANSWER_CACHE_TOPICS) this.answers.clear();
    this.answers.set(topic, answer);
    return answer;
  }
}
