// The subscription index: a trie keyed by topic level, so a PUBLISH finds its subscribers by walking the levels of
// its topic (following exact, '+' and '#' branches) instead of testing every subscription. Generic over the
// subscriber key (a session) and what is stored per subscription (QoS and options).
//
// Shaped for a broker holding 100,000 subscriptions (issue 16, "many topics"): the '+' and '#' branches are fields of
// a node, not entries of its map of levels, so each level of a topic costs one map lookup instead of three; a node
// makes its map of levels only when it has an exact child; a filter held by one subscriber (the common case) keeps
// it in two fields instead of a Map of its own. A match writes its results into an array the caller owns (no
// closure, no iterator per subscriber).

class TrieNode<K, V> {
  /** exact-level children; made on the first one (most nodes are leaves or have only wildcard children). */
  children: Map<string, TrieNode<K, V>> | undefined = undefined;
  /** the `+` child */
  plus: TrieNode<K, V> | undefined = undefined;
  /** the `#` child */
  hash: TrieNode<K, V> | undefined = undefined;
  /** the subscriptions whose filter ends here: one in `key`/`value` (when `many` is undefined and `held`), more in
   * `many` (which, once made, holds them all until the node is pruned). */
  key: K | undefined = undefined;
  value: V | undefined = undefined;
  held = false;
  many: Map<K, V> | undefined = undefined;

  constructor(
    readonly parent: TrieNode<K, V> | undefined,
    readonly level: string,
  ) {}

  child(level: string): TrieNode<K, V> | undefined {
    if (level === '+') return this.plus;
    if (level === '#') return this.hash;
    return this.children?.get(level);
  }

  addChild(level: string): TrieNode<K, V> {
    const child = new TrieNode<K, V>(this, level);
    if (level === '+') this.plus = child;
    else if (level === '#') this.hash = child;
    else (this.children ??= new Map()).set(level, child);
    return child;
  }

  removeChild(level: string): void {
    if (level === '+') this.plus = undefined;
    else if (level === '#') this.hash = undefined;
    else this.children?.delete(level);
  }

  get isEmpty(): boolean {
    return (
      this.plus === undefined &&
      this.hash === undefined &&
      (this.children === undefined || this.children.size === 0) &&
      !this.held &&
      (this.many === undefined || this.many.size === 0)
    );
  }

  /** Stores a subscriber's value; true if the subscriber was not here yet. */
  set(key: K, value: V): boolean {
    const many = this.many;
    if (many !== undefined) {
      const isNew = !many.has(key);
      many.set(key, value);
      return isNew;
    }
    if (!this.held) {
      this.key = key;
      this.value = value;
      this.held = true;
      return true;
    }
    if (this.key === key) {
      this.value = value;
      return false;
    }
    this.many = new Map<K, V>([
      [this.key as K, this.value as V],
      [key, value],
    ]);
    this.key = undefined;
    this.value = undefined;
    this.held = false;
    return true;
  }

  get(key: K): V | undefined {
    if (this.many !== undefined) return this.many.get(key);
    return this.held && this.key === key ? this.value : undefined;
  }

  delete(key: K): boolean {
    if (this.many !== undefined) return this.many.delete(key);
    if (!this.held || this.key !== key) return false;
    this.key = undefined;
    this.value = undefined;
    this.held = false;
    return true;
  }

  /** Appends every subscription here to `out` as key, value, key, value, … */
  emit(out: unknown[]): void {
    if (this.held) out.push(this.key, this.value);
    else if (this.many !== undefined) for (const [key, value] of this.many) out.push(key, value);
  }
}

export class TopicTrie<K, V> {
  private readonly root = new TrieNode<K, V>(undefined, '');
  private count = 0;

  /** Number of (filter, subscriber) pairs. */
  get size(): number {
    return this.count;
  }

  /** True when no subscription and no branch is left (every empty branch has been pruned). */
  get isEmpty(): boolean {
    return this.root.isEmpty;
  }

  /** Adds a subscription, or replaces the value of the same subscriber's same filter. Returns true if it was new.
   * The filter must already be valid (see topic-validation.ts). */
  add(filter: string, key: K, value: V): boolean {
    let node = this.root;
    for (const level of filter.split('/')) node = node.child(level) ?? node.addChild(level);
    const isNew = node.set(key, value);
    if (isNew) this.count++;
    return isNew;
  }

  /** Removes a subscription; returns true if it existed. Empty branches are pruned so the trie does not keep the
   * shape of every topic ever subscribed. */
  remove(filter: string, key: K): boolean {
    const node = this.find(filter);
    if (!node?.delete(key)) return false;
    this.count--;
    let current: TrieNode<K, V> = node;
    while (current.parent && current.isEmpty) {
      current.parent.removeChild(current.level);
      current = current.parent;
    }
    return true;
  }

  /** The value stored for a subscriber's filter, if any. */
  get(filter: string, key: K): V | undefined {
    return this.find(filter)?.get(key);
  }

  /** Calls `visit` for every subscription matching a topic name. A subscriber with several matching filters is
   * visited once per filter; callers that must deliver once merge them. Topics starting with '$' are not matched by
   * a '+' or '#' in the first level (MQTT-4.7.2-1). */
  match(topic: string, visit: (key: K, value: V) => void): void {
    const found: (K | V)[] = [];
    this.collect(topic, found);
    for (let i = 0; i < found.length; i += 2) visit(found[i] as K, found[i + 1] as V);
  }

  /** Like `match`, appending the matching subscriptions to `out` as key, value, key, value, … (the routing path:
   * no closure, no allocation beyond the topic's levels and `out`). */
  collect(topic: string, out: (K | V)[]): void {
    walk(this.root, topic.split('/'), 0, topic.charCodeAt(0) === 0x24 /* $ */, out as unknown[]);
  }

  private find(filter: string): TrieNode<K, V> | undefined {
    let node: TrieNode<K, V> | undefined = this.root;
    for (const level of filter.split('/')) {
      node = node.child(level);
      if (!node) return undefined;
    }
    return node;
  }
}

/** Visits in the order: each '#' on the way down (first), the '+' branch, then the exact branch; at the topic's last
 * level a '#' below it too, since "a/#" also matches "a" (MQTT-4.7.1-2). */
function walk<K, V>(
  start: TrieNode<K, V>,
  levels: string[],
  first: number,
  dollarTopic: boolean,
  out: unknown[],
): void {
  let node = start;
  for (let index = first; ; index++) {
    if (index === levels.length) {
      node.hash?.emit(out);
      node.emit(out);
      return;
    }
    if (index > 0 || !dollarTopic) {
      node.hash?.emit(out);
      if (node.plus !== undefined) walk(node.plus, levels, index + 1, dollarTopic, out);
    }
    const next = node.children?.get(levels[index]!);
    if (next === undefined) return;
    node = next;
  }
}
