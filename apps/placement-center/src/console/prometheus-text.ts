// Reads the few numbers the web console charts (connections, messages in/out, append latency) out of a node's
// Prometheus text exposition: each metric summed over its series, histograms by their _sum and _count.

/** Sum of every sample of each named metric (labels ignored); absent names are left out. */
export function sumMetrics(text: string, names: readonly string[]): Record<string, number> {
  const wanted = new Set(names);
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const nameEnd = line.search(/[{ ]/);
    if (nameEnd <= 0) continue;
    const name = line.slice(0, nameEnd);
    if (!wanted.has(name)) continue;
    // the value follows the label set (which may contain spaces inside quoted values)
    const rest = line[nameEnd] === '{' ? line.slice(line.lastIndexOf('}') + 1) : line.slice(nameEnd);
    const value = Number(rest.trim().split(/\s+/)[0]);
    if (Number.isFinite(value)) out[name] = (out[name] ?? 0) + value;
  }
  return out;
}
