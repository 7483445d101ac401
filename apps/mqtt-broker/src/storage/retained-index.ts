// Retained messages by topic, with a tree of topic levels beside the map so that a SUBSCRIBE visits only the topics
// its filter can match. A flat scan cost every SUBSCRIBE a pass over every retained message (100,000 subscriptions
// against 100,000 retained topics: 10^10 level comparisons); with the tree, `a/b/c` is one map lookup, `a/+/c` visits
// the children of `a` once, and only `#` at the root visits everything (it matches everything, so it must).
//
// Matching follows MQTT 3.1.1 §4.7 / MQTT 5 §4.7: `+` matches one level (an empty level too), `#` matches the parent
// level and every level below it, and a filter starting with a wildcard does not match a topic starting with `$`.
interface LevelNode<P> {
  /** the retained message whose topic ends at this node, if any */
  packet?: P | undefined;
  /** child levels, created on first use (most leaves have none) */
  children?: Map<string, LevelNode<P>>;
}

/** `P` is the stored packet's type (the broker's P); the index only keeps it. */
export class RetainedIndex<P extends object> {
  private readonly byTopic = new Map<string, P>();
  private readonly root: LevelNode<P> = {};

  get size(): number {
    return this.byTopic.size;
  }

  get(topic: string): P | undefined {
    return this.byTopic.get(topic);
  }

  values(): IterableIterator<P> {
    return this.byTopic.values();
  }

  set(topic: string, packet: P): void {
    this.byTopic.set(topic, packet);
    let node = this.root;
    for (const level of topic.split('/')) {
      node.children ??= new Map();
      let child = node.children.get(level);
      if (child === undefined) {
        child = {};
        node.children.set(level, child);
      }
      node = child;
    }
    node.packet = packet;
  }

  delete(topic: string): boolean {
    if (!this.byTopic.delete(topic)) return false;
    const levels = topic.split('/');
    const path: LevelNode<P>[] = [this.root];
    let node = this.root;
    for (const level of levels) {
      node = node.children!.get(level)!;
      path.push(node);
    }
    node.packet = undefined;
    // prune the levels that now hold neither a message nor children, deepest first
    for (let i = levels.length; i > 0; i--) {
      const n = path[i]!;
      if (n.packet !== undefined || (n.children !== undefined && n.children.size > 0)) break;
      path[i - 1]!.children!.delete(levels[i - 1]!);
    }
    return true;
  }

  /** Retained messages matching any of the filters, each once. */
  matching(filters: readonly string[]): P[] {
    const out: P[] = [];
    if (filters.length === 1) {
      this.collect(this.root, filters[0]!.split('/'), 0, out);
      return out;
    }
    const seen = new Set<P>();
    const one: P[] = [];
    for (const filter of filters) {
      one.length = 0;
      this.collect(this.root, filter.split('/'), 0, one);
      for (const packet of one) {
        if (seen.has(packet)) continue;
        seen.add(packet);
        out.push(packet);
      }
    }
    return out;
  }

  private collect(node: LevelNode<P>, filter: readonly string[], depth: number, out: P[]): void {
    if (depth === filter.length) {
      if (node.packet !== undefined) out.push(node.packet);
      return;
    }
    const level = filter[depth]!;
    if (level === '#') {
      // `a/#` matches `a` itself; at the root there is no parent level to match
      if (depth > 0 && node.packet !== undefined) out.push(node.packet);
      if (node.children !== undefined) {
        for (const [name, child] of node.children) {
          if (depth === 0 && name.charCodeAt(0) === 0x24 /* $ */) continue;
          subtree(child, out);
        }
      }
      return;
    }
    if (node.children === undefined) return;
    if (level === '+') {
      for (const [name, child] of node.children) {
        if (depth === 0 && name.charCodeAt(0) === 0x24 /* $ */) continue;
        this.collect(child, filter, depth + 1, out);
      }
      return;
    }
    const child = node.children.get(level);
    if (child !== undefined) this.collect(child, filter, depth + 1, out);
  }
}

function subtree<P>(node: LevelNode<P>, out: P[]): void {
  if (node.packet !== undefined) out.push(node.packet);
  if (node.children === undefined) return;
  for (const child of node.children.values()) subtree(child, out);
}
