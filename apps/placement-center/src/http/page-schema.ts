// The shape every paged list of placement's admin API shares: `start_after` (the last key of the page before) and
// `limit` in the query, `{ <items>: [...], more }` in the answer. One definition, so the lists page alike (and the
// console walks them alike) and a new list cannot forget the limit's bounds.
import { json } from '@robustmq/common';
import { MAX_PAGE_LIMIT } from '../metadata/field-checks.js';

/** The querystring schema of a paged list: `start_after`, `limit` (1…MAX_PAGE_LIMIT) and the list's own filters. */
export function pageQuery(filters: Record<string, object> = {}, limitDefault: number | undefined = 1000) {
  return json.closed(
    {
      ...filters,
      start_after: { type: 'string', default: '' },
      limit: {
        type: 'integer',
        minimum: 1,
        maximum: MAX_PAGE_LIMIT,
        ...(limitDefault === undefined ? {} : { default: limitDefault }),
      },
    },
    'all',
  );
}

/** The 200 schema of a paged list: the rows under `key`, `more`, and any further fields. */
export function pageReply(key: string, items: object, extra: Record<string, object> = {}) {
  return json.object({ [key]: json.array(items), more: json.boolean, ...extra }, 'all');
}
