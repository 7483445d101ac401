// A segment store on a temp dir for the storage tests (segment-store, segment-write-path): opened the way the
// journal server opens it, with one empty segment to write into, reopened as after a restart.
import { quietLogger } from '@robustmq/testing';
import type { LocalSegment } from '../../src/storage/local-segment.js';
import { SegmentStore } from '../../src/storage/segment-store.js';

export interface OpenSegment {
  store: SegmentStore;
  seg: LocalSegment;
}

/** The store in `dir` with a new segment ns/s/0 from `startOffset`, epoch 1, no record limit. */
export async function storeWithSegment(
  dir: string,
  startOffset = 0,
  options: { overlapSyncs?: boolean; preallocateBytes?: number } = {},
): Promise<OpenSegment> {
  const store = await SegmentStore.open(dir, quietLogger, options);
  const seg = await store.create({
    namespace: 'ns',
    shard: 's',
    seq: 0,
    startOffset,
    epoch: 1,
    maxRecords: 0,
  });
  return { store, seg };
}

/** Closes `store` and opens the one in `dir` again: segment ns/s/0 as recovered from disk. */
export async function reopenStore(store: SegmentStore, dir: string): Promise<OpenSegment> {
  await store.close();
  const again = await SegmentStore.open(dir, quietLogger);
  return { store: again, seg: again.get('ns', 's', 0)! };
}
