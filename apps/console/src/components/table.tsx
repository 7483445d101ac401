// Tables of rows the server pages: a search box, the rows, and previous/next buttons that walk `start_after` keys,
// so a list of tens of thousands of rows is fetched and drawn one page at a time.
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { DangerButton, ErrorAlert } from './feedback';

export interface Column<R> {
  label: string;
  value: (row: R) => ComponentChildren;
}

/** The last column of a table whose rows can be deleted: a Delete button per row, `label` naming the row for screen
 * readers (`delete user bob`); `remove` asks before it acts (useNotice().confirmed). */
export function deleteColumn<R>(label: (row: R) => string, remove: (row: R) => void): Column<R> {
  return { label: 'actions', value: (r) => <DangerButton label={label(r)} onClick={() => remove(r)} /> };
}

export function Table<R>(props: {
  caption: string;
  columns: Column<R>[];
  rows: R[];
  rowKey: (row: R) => string;
  empty?: string;
  /** why the rows could not be loaded, shown above them. */
  error?: string | undefined;
}) {
  return (
    <>
      <ErrorAlert text={props.error} />
      <div class="table-wrap">
        <table>
          <caption>{props.caption}</caption>
          <thead>
            <tr>
              {props.columns.map((c) => (
                <th key={c.label} scope="col">
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {props.rows.length === 0 ? (
              <tr>
                <td colSpan={props.columns.length} class="empty">
                  {props.empty ?? 'nothing here'}
                </td>
              </tr>
            ) : (
              props.rows.map((r) => (
                <tr key={props.rowKey(r)}>
                  {props.columns.map((c) => (
                    <td key={c.label} data-label={c.label}>
                      {c.value(r)}
                    </td>
                  ))}
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
    </>
  );
}

export interface PageAnswer<R> {
  rows: R[];
  more: boolean;
  total?: number;
  errors?: { nodeId: number; message: string }[];
}

export interface Paged<R> {
  rows: R[];
  total: number | undefined;
  more: boolean;
  page: number;
  error: string | undefined;
  warnings: string[];
  loading: boolean;
  search: string;
  setSearch(value: string): void;
  next(): void;
  prev(): void;
  reload(): void;
}

/** Pages through `load(search, startAfter)`; the key of a page's last row is the next page's start. */
export function usePaged<R>(
  load: (search: string, startAfter: string) => Promise<PageAnswer<R>>,
  keyOf: (row: R) => string,
): Paged<R> {
  const [search, setSearchText] = useState('');
  const [starts, setStarts] = useState<string[]>(['']);
  const [answer, setAnswer] = useState<PageAnswer<R>>({ rows: [], more: false });
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const latest = useRef(0);
  const searched = useRef('');
  const start = starts[starts.length - 1]!;

  useEffect(() => {
    const call = ++latest.current;
    setLoading(true);
    // a search typed quickly asks once, after the typing stops; paging and refreshing ask at once
    const typing = search !== searched.current;
    searched.current = search;
    const timer = setTimeout(
      () => {
        load(search, start).then(
          (a) => {
            if (call !== latest.current) return;
            setAnswer(a);
            setError(undefined);
            setLoading(false);
          },
          (err: unknown) => {
            if (call !== latest.current) return;
            setError(err instanceof ApiError ? `${err.code}: ${err.message}` : String(err));
            setLoading(false);
          },
        );
      },
      typing ? 200 : 0,
    );
    return () => clearTimeout(timer);
  }, [search, start, tick]);

  const setSearch = useCallback((value: string) => {
    setSearchText(value);
    setStarts(['']);
  }, []);
  return {
    rows: answer.rows,
    total: answer.total,
    more: answer.more,
    page: starts.length,
    error,
    warnings: (answer.errors ?? []).map((e) => e.message),
    loading,
    search,
    setSearch,
    next() {
      const last = answer.rows[answer.rows.length - 1];
      if (answer.more && last) setStarts((s) => [...s, keyOf(last)]);
    },
    prev() {
      setStarts((s) => (s.length > 1 ? s.slice(0, -1) : s));
    },
    reload() {
      setTick((t) => t + 1);
    },
  };
}

export function PagedTable<R>(props: {
  caption: string;
  paged: Paged<R>;
  columns: Column<R>[];
  rowKey: (row: R) => string;
  searchLabel: string;
  empty?: string;
}) {
  const p = props.paged;
  return (
    <section class="card" aria-label={props.caption}>
      <div class="toolbar">
        <label>
          <span>{props.searchLabel}</span>
          <input
            type="search"
            value={p.search}
            onInput={(e) => p.setSearch((e.currentTarget as HTMLInputElement).value)}
          />
        </label>
        <span class="muted" aria-live="polite">
          {p.loading
            ? 'loading…'
            : p.total !== undefined
              ? `${p.total} in all · page ${p.page}`
              : `page ${p.page}`}
        </span>
        <button type="button" onClick={p.prev} disabled={p.page <= 1}>
          ← previous
        </button>
        <button type="button" onClick={p.next} disabled={!p.more}>
          next →
        </button>
        <button type="button" onClick={p.reload}>
          refresh
        </button>
      </div>
      <ErrorAlert text={p.error} />
      {p.warnings.map((w) => (
        <p key={w} class="warning">
          {w}
        </p>
      ))}
      <Table
        caption={props.caption}
        columns={props.columns}
        rows={p.rows}
        rowKey={props.rowKey}
        {...(props.empty ? { empty: props.empty } : {})}
      />
    </section>
  );
}
