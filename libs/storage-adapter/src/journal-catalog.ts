// The journal adapter's shard catalog, kept in the placement center's KV store so every adapter (and a reopened one)
// sees the same shards. Adapter shard names may hold '/', spaces and any UTF-8, and a deleted name may be created
// again at once, while placement shard names are restricted and a deleted placement shard lingers as DELETING; so
// each adapter shard maps to a fresh placement shard with a generated name:
//   journal-adapter/<namespace>/shard/<adapter shard name>   → {"name", "placementName", "options", "createdAtMs"}
//   journal-retention/<namespace>/<placementName>            → first segment seq still kept (written by retention)
import { randomBytes } from 'node:crypto';
import type { PlacementClient } from '@robustmq/common';
import type { ResolvedShardOptions } from './storage-adapter.js';

export interface CatalogEntry {
  name: string;
  placementName: string;
  options: ResolvedShardOptions;
  createdAtMs: number;
}

export const catalogPrefix = (namespace: string) => `journal-adapter/${namespace}/shard/`;
export const catalogKey = (namespace: string, name: string) => `${catalogPrefix(namespace)}${name}`;
export const retentionMarkKey = (namespace: string, placementName: string) => `journal-retention/${namespace}/${placementName}`;

export function newPlacementName(): string {
  return `s${Date.now().toString(36)}${randomBytes(6).toString('hex')}`;
}

export async function readRetentionMark(placement: PlacementClient, namespace: string, placementName: string): Promise<number> {
  const value = await placement.kvGet(retentionMarkKey(namespace, placementName));
  return value ? Number(value.toString('utf8')) : 0;
}

/** moves the first kept segment forward to `firstSeq` (compare-and-set: concurrent movers never move it back). */
export async function advanceRetentionMark(
  placement: PlacementClient,
  namespace: string,
  placementName: string,
  firstSeq: number,
): Promise<void> {
  const key = retentionMarkKey(namespace, placementName);
  for (let attempt = 0; attempt < 20; attempt++) {
    const current = await placement.kvGetEntry(key);
    if (current && Number(current.value.toString('utf8')) >= firstSeq) return;
    const { succeeded } = await placement.kvCompareAndSet(key, current?.modRevision ?? 0, String(firstSeq));
    if (succeeded) return;
  }
  throw new Error(`could not move the retention mark of ${namespace}/${placementName}: too much contention`);
}

/** consumer group names become placement key segments, which may not hold '/' or whitespace. */
export function placementGroupName(group: string): string {
  return encodeURIComponent(group);
}
