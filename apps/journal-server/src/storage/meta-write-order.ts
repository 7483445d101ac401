// Runs the metadata writes of one segment in the order they were asked for. The rocksdb binding runs concurrent
// writes on several threads, so without a queue a snapshot taken earlier (an older epoch history) could land after a
// newer one.
export class MetaWriteOrder {
  /** per segment key: the tail of its queue of metadata writes. */
  private readonly tails = new Map<string, Promise<void>>();

  run(key: string, write: () => Promise<void>): Promise<void> {
    const next = (this.tails.get(key) ?? Promise.resolve()).then(write);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, settled);
    void settled.then(() => {
      if (this.tails.get(key) === settled) this.tails.delete(key);
    });
    return next;
  }
}
