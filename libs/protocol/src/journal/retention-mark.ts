// The retention mark: how far a journal shard's retention has cut (the first segment seq still kept), stored in the
// placement center's KV so the journal servers that delete segments and the journal adapters that read offsets agree.
//   journal-retention/<namespace>/<placementName>  →  decimal first kept segment seq
// Both sides reach the KV through their placement client; this file only needs the three KV calls below, so the
// protocol package stays free of the client.

/** the KV calls a retention mark needs (the placement client's `kv` service has them). */
export interface RetentionMarkKv {
  get(key: string): Promise<Buffer | undefined>;
  getEntry(key: string): Promise<{ value: Buffer; modRevision: number } | undefined>;
  compareAndSet(key: string, expectedModRevision: number, value: string): Promise<{ succeeded: boolean }>;
}

export const retentionMarkKey = (namespace: string, placementName: string) =>
  `journal-retention/${namespace}/${placementName}`;

export async function readRetentionMark(
  kv: RetentionMarkKv,
  namespace: string,
  placementName: string,
): Promise<number> {
  const value = await kv.get(retentionMarkKey(namespace, placementName));
  return value ? Number(value.toString('utf8')) : 0;
}

/** moves the first kept segment forward to `firstSeq` (compare-and-set: concurrent movers never move it back). */
export async function advanceRetentionMark(
  kv: RetentionMarkKv,
  namespace: string,
  placementName: string,
  firstSeq: number,
): Promise<void> {
  const key = retentionMarkKey(namespace, placementName);
  for (let attempt = 0; attempt < 20; attempt++) {
    const current = await kv.getEntry(key);
    if (current && Number(current.value.toString('utf8')) >= firstSeq) return;
    const { succeeded } = await kv.compareAndSet(key, current?.modRevision ?? 0, String(firstSeq));
    if (succeeded) return;
  }
  throw new Error(`could not move the retention mark of ${namespace}/${placementName}: too much contention`);
}
