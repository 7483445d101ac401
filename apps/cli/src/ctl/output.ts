// robust-ctl's two output forms: `json` prints the admin API's answer as it is (for scripts and jq), `table` prints
// lists as aligned columns and single objects as key/value rows (for people).

export type OutputFormat = 'table' | 'json';

function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function renderTable(rows: Record<string, unknown>[], columns?: string[]): string {
  if (rows.length === 0) return '(none)';
  const cols = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cells = rows.map((r) => cols.map((c) => cell(r[c])));
  const header = cols.map((c) => c.toUpperCase());
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]!.length)));
  return [header, ...cells]
    .map((row) =>
      row
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function renderObject(value: Record<string, unknown>): string {
  const keys = Object.keys(value);
  const width = Math.max(...keys.map((k) => k.length));
  return keys.map((k) => `${k.padEnd(width)}  ${cell(value[k])}`).join('\n');
}

export interface Printable {
  /** what `--output json` prints */
  json: unknown;
  /** the list `--output table` prints, or a single object */
  rows?: Record<string, unknown>[];
  object?: Record<string, unknown>;
  columns?: string[];
  /** a line for writes that return nothing */
  message?: string;
}

export function render(format: OutputFormat, out: Printable): string {
  if (format === 'json') return JSON.stringify(out.json ?? null, null, 2);
  if (out.rows) return renderTable(out.rows, out.columns);
  if (out.object) return renderObject(out.object);
  return out.message ?? '';
}
