// How the console writes durations, ages, sizes and times.

export function age(ms: number): string {
  if (ms < 0) ms = 0;
  if (ms < 1000) return `${ms} ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export const time = (ms: number) => (ms > 0 ? new Date(ms).toLocaleString() : '—');

/** A subscription's MQTT 5 options in one cell: `no-local, retain-as-published, retain-handling 2`. */
export const subscriptionOptions = (o: {
  noLocal?: boolean | undefined;
  retainAsPublished?: boolean | undefined;
  retainHandling?: number | undefined;
}) =>
  [
    o.noLocal ? 'no-local' : '',
    o.retainAsPublished ? 'retain-as-published' : '',
    `retain-handling ${o.retainHandling ?? 0}`,
  ]
    .filter(Boolean)
    .join(', ');
