// Cuts an entry list to a byte budget; shared by storage reads, message batching and Ready batching.
import { entryPayloadSize, type Entry } from './types.js';

/**
 * Returns the longest prefix of `entries` whose payload fits `maxBytes`, but never fewer than one entry: a single
 * oversized entry must still make progress. At most `maxCount` entries if given.
 */
export function limitSize<T extends Entry>(entries: T[], maxBytes: number, maxCount = Infinity): T[] {
  if (entries.length === 0) return entries;
  let size = entryPayloadSize(entries[0]!);
  let n = 1;
  const cap = Math.min(entries.length, Math.max(1, maxCount));
  while (n < cap) {
    size += entryPayloadSize(entries[n]!);
    if (size > maxBytes) break;
    n++;
  }
  return n === entries.length ? entries : entries.slice(0, n);
}
