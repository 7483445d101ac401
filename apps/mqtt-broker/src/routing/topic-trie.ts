// The subscription index: a trie keyed by topic level, so a PUBLISH finds its subscribers by walking the levels of
// its topic (following exact, '+' and '#' branches) instead of testing every subscription. Generic over the
// subscriber key (a session) and what is stored per subscription (QoS and options).

class TrieNode<K, V> {
  readonly children = new Map<string, TrieNode<K, V>>();
  /** subscriptions whose filter ends at this node; created lazily because most nodes are interior. */
  subscribers: Map<K, V> | undefined;

  constructor(
    readonly parent: TrieNode<K, V> | undefined,
    readonly level: string,
  ) {}

  get isEmpty(): boolean {
    return this.children.size === 0 && (this.subscribers === undefined || this.subscribers.size === 0);
  }
}

export class TopicTrie<K, V> {
  private readonly root = new TrieNode<K, V>(undefined, '');
  private count = 0;

  /** Number of (filter, subscriber) pairs. */
  get size(): number {
    return this.count;
  }

  /** Adds a subscription, or replaces the value of the same subscriber's same filter. Returns true if it was new.
   * The filter must already be valid (see topic-validation.ts). */
  add(filter: string, key: K, value: V): boolean {
    let node = this.root;
    for (const level of filter.split('/')) {
      let child = node.children.get(level);
      if (!child) {
        child = new TrieNode(node, level);
        node.children.set(level, child);
      }
      node = child;
    }
    node.subscribers ??= new Map();
    const isNew = !node.subscribers.has(key);
    node.subscribers.set(key, value);
    if (isNew) this.count++;
    return isNew;
  }

  /** Removes a subscription; returns true if it existed. Empty branches are pruned so the trie does not keep the
   * shape of every topic ever subscribed. */
  remove(filter: string, key: K): boolean {
    const node = this.find(filter);
    if (!node?.subscribers?.delete(key)) return false;
    this.count--;
    let current: TrieNode<K, V> = node;
    while (current.parent && current.isEmpty) {
      current.parent.children.delete(current.level);
      current = current.parent;
    }
    return true;
  }

  /** The value stored for a subscriber's filter, if any. */
  get(filter: string, key: K): V | undefined {
    return this.find(filter)?.subscribers?.get(key);
  }

  /** Calls `visit` for every subscription matching a topic name. A subscriber with several matching filters is
   * visited once per filter; callers that must deliver once merge them. Topics starting with '$' are not matched by
   * a '+' or '#' in the first level (MQTT-4.7.2-1). */
  match(topic: string, visit: (key: K, value: V) => void): void {
    const levels = topic.split('/');
    this.matchLevel(this.root, levels, 0, topic.charCodeAt(0) === 0x24 /* $ */, visit);
  }

  private matchLevel(
    node: TrieNode<K, V>,
    levels: string[],
    index: number,
    dollarTopic: boolean,
    visit: (key: K, value: V) => void,
  ): void {
    if (index === levels.length) {
      // "a/#" also matches "a" itself (MQTT-4.7.1-2); visited first, like every '#' on the way down
      const hash = node.children.get('#');
      if (hash) emit(hash.subscribers, visit);
      emit(node.subscribers, visit);
      return;
    }
    if (index > 0 || !dollarTopic) {
      const hash = node.children.get('#');
      if (hash) emit(hash.subscribers, visit);
      const plus = node.children.get('+');
      if (plus) this.matchLevel(plus, levels, index + 1, dollarTopic, visit);
    }
    const exact = node.children.get(levels[index]!);
    if (exact) this.matchLevel(exact, levels, index + 1, dollarTopic, visit);
  }

  private find(filter: string): TrieNode<K, V> | undefined {
    let node: TrieNode<K, V> | undefined = this.root;
    for (const level of filter.split('/')) {
      node = node.children.get(level);
      if (!node) return undefined;
    }
    return node;
  }
}

function emit<K, V>(subscribers: Map<K, V> | undefined, visit: (key: K, value: V) => void): void {
  if (subscribers) for (const [key, value] of subscribers) visit(key, value);
}
