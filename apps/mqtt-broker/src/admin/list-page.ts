// Search and paging for the broker's admin lists (clients, sessions, subscriptions, topics, retained), so a console
// can show tens of thousands of rows a page at a time: rows in key order, an optional case-insensitive substring
// search, `start_after` (the last key of the previous page) and `limit`. Without a limit the whole list is answered,
// as before paging existed.
import { json } from '@robustmq/common';

export const MAX_PAGE_LIMIT = 10_000;

export const pageQuerySchema = json.closed(
  {
    search: { type: 'string', maxLength: 256 },
    start_after: { type: 'string', maxLength: 65_535 },
    limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE_LIMIT },
  },
  'all',
);

export interface PageQuery {
  search?: string;
  start_after?: string;
  limit?: number;
}

export interface Page<T> {
  /** rows matching the search (all pages). */
  total: number;
  rows: T[];
  /** another page follows. */
  more: boolean;
}

/** `key` orders and pages the rows (unique per row); `text` is what the search looks in. */
export function pageOf<T>(
  items: Iterable<T>,
  key: (row: T) => string,
  text: (row: T) => string[],
  query: PageQuery,
): Page<T> {
  const needle = query.search?.toLowerCase() ?? '';
  const matching: { key: string; row: T }[] = [];
  for (const row of items) {
    if (needle && !text(row).some((t) => t.toLowerCase().includes(needle))) continue;
    matching.push({ key: key(row), row });
  }
  matching.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  let from = 0;
  if (query.start_after !== undefined && query.start_after !== '') {
    const after = query.start_after;
    // first row whose key is greater (binary search: the rows are sorted)
    let lo = 0;
    let hi = matching.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (matching[mid]!.key <= after) lo = mid + 1;
      else hi = mid;
    }
    from = lo;
  }
  const to = query.limit === undefined ? matching.length : Math.min(matching.length, from + query.limit);
  return {
    total: matching.length,
    rows: matching.slice(from, to).map((m) => m.row),
    more: to < matching.length,
  };
}
