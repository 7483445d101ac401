// The journal adapter's shard catalog, kept in the placement center's KV store so every adapter (and a reopened one)
// sees the same shards. Adapter shard names may hold '/', spaces and any UTF-8, and a deleted name may be created
// again at once, while placement shard names are restricted and a deleted placement shard lingers as DELETING; so
// each adapter shard maps to a fresh placement shard with a generated name:
//   journal-adapter/<namespace>/shard/<adapter shard name>   → {"name", "placementName", "options", "createdAtMs"}
// The retention mark (journal-retention/<namespace>/<placementName>) is shared with the journal servers, so it lives
// in @robustmq/protocol/journal.
import { randomBytes } from 'node:crypto';
import type { ResolvedShardOptions } from './storage-adapter.js';

export interface CatalogEntry {
  name: string;
  placementName: string;
  options: ResolvedShardOptions;
  createdAtMs: number;
}

export const catalogPrefix = (namespace: string) => `journal-adapter/${namespace}/shard/`;
export const catalogKey = (namespace: string, name: string) => `${catalogPrefix(namespace)}${name}`;

export function newPlacementName(): string {
  return `s${Date.now().toString(36)}${randomBytes(6).toString('hex')}`;
}

/** consumer group names become placement key segments, which may not hold '/' or whitespace. */
export function placementGroupName(group: string): string {
  return encodeURIComponent(group);
}
