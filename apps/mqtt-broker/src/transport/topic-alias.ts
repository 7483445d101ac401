// Topic aliases we assign towards one MQTT 5 client (MQTT 5 §3.3.2.3.4): the client's CONNECT says how many it
// accepts; the first N distinct topics get aliases 1..N, after that the least recently used topic gives up its
// alias. Aliases belong to one network connection, so this lives on the Connection and starts empty on each.

export class OutboundAliases {
  /** topic → alias; Map order is recency order (least recent first). */
  private readonly byTopic = new Map<string, number>();

  constructor(readonly max: number) {}

  /** The alias the client already knows for `topic` (marking it recently used), or undefined. */
  known(topic: string): number | undefined {
    const alias = this.byTopic.get(topic);
    if (alias !== undefined) {
      this.byTopic.delete(topic);
      this.byTopic.set(topic, alias);
    }
    return alias;
  }

  /** The alias `topic` would get if assigned now (a free one, or the least recently used one's). */
  candidate(): number {
    if (this.byTopic.size < this.max) return this.byTopic.size + 1;
    return this.byTopic.values().next().value!;
  }

  /** Records that a PUBLISH carrying both `topic` and `alias` was sent: the client now maps alias → topic. Called
   * only after the packet went out, so an alias never refers to a mapping the client did not receive. */
  assign(topic: string, alias: number): void {
    if (this.byTopic.size >= this.max) {
      const oldest = this.byTopic.keys().next().value!;
      this.byTopic.delete(oldest);
    }
    this.byTopic.set(topic, alias);
  }
}
