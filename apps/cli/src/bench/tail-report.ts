// Where a run's slow messages came from (issue #13: the cross-broker p99 at 2,000 msg/s spread 4.2–8.4 ms between
// rounds). A percentile says how slow the tail is, not what made it slow: here the messages above the p99 are grouped
// into episodes (slow messages sent close together), and each episode is listed with the tail events that the
// cluster's processes (stage timings' `tail`: slow stages, GC pauses, event-loop holds, with their wall-clock
// times) and the bench itself (its own GC pauses) recorded while it lasted.
import { observeGcPauses, type StageReport, type TailEvent } from '@robustmq/common';
import { percentile } from './statistics.js';

/** slow messages sent less than this apart belong to one episode, ms. */
const EPISODE_GAP_MS = 5;
/** episodes printed (the ones with the most slow messages). */
const EPISODES_SHOWN = 8;
/** tail events printed per episode (the longest). */
const EVENTS_SHOWN = 8;

/** The bench process's own GC pauses, as tail events (it publishes and receives: its pauses delay both). */
export interface OwnGc {
  /** pauses of 0.5 ms or more */
  events: TailEvent[];
  /** every pause: how many and how long in all, by kind */
  minor: { count: number; ms: number; max: number };
  major: { count: number; ms: number; max: number };
  stop: () => void;
}

export function watchOwnGc(): OwnGc {
  const events: TailEvent[] = [];
  const minor = { count: 0, ms: 0, max: 0 };
  const major = { count: 0, ms: 0, max: 0 };
  const observer = observeGcPauses((pause) => {
    const sum = pause.stage === 'gc.minor' ? minor : major;
    sum.count++;
    sum.ms += pause.ms;
    sum.max = Math.max(sum.max, pause.ms);
    if (pause.ms >= 0.5) events.push(pause);
  });
  return { events, minor, major, stop: () => observer.disconnect() };
}

export interface Sample {
  /** when the message was stamped for sending, epoch ms */
  sentAt: number;
  latency: number;
}

interface Source {
  name: string;
  events: TailEvent[];
}

/**
 * Lines describing the samples above `threshold` ms: how many episodes, how much of the tail they hold, and for the
 * largest episodes the overlapping tail events of every source (label → events).
 */
export function formatTailReport(
  samples: Sample[],
  threshold: number,
  reports: { label: string; report: StageReport }[],
  own: TailEvent[],
  /** whose messages these are, for the lines' wording */
  subject = 'other broker',
): string[] {
  const slow = samples.filter((s) => s.latency > threshold).sort((a, b) => a.sentAt - b.sentAt);
  if (slow.length === 0) return [];
  const start = Math.min(...samples.map((s) => s.sentAt));
  const episodes: Sample[][] = [];
  for (const s of slow) {
    const last = episodes[episodes.length - 1];
    if (last && s.sentAt - last[last.length - 1]!.sentAt < EPISODE_GAP_MS) last.push(s);
    else episodes.push([s]);
  }
  // the p99 of each second of the run: a tail that sits in the first second is a warm-up, not the steady state
  const bySecond: number[][] = [];
  for (const s of samples) (bySecond[Math.floor((s.sentAt - start) / 1000)] ??= []).push(s.latency);
  const perSecond = bySecond.map((l) => {
    const sorted = Float64Array.from(l ?? []).sort();
    return `${percentile(sorted, 0.99).toFixed(1)} (${sorted.filter((v) => v > threshold).length})`;
  });
  const firstSecond: number[][] = Array.from({ length: 10 }, () => []);
  for (const s of samples)
    if (s.sentAt - start < 1000) firstSecond[Math.floor((s.sentAt - start) / 100)]!.push(s.latency);
  const perTenth = firstSecond.map((l) => percentile(Float64Array.from(l).sort(), 0.99).toFixed(1));
  const sources: Source[] = [
    ...reports.map(({ label, report }) => ({ label, events: report.tail ?? [] })),
    { label: 'bench', events: own },
  ].map((s) => ({ name: s.label, events: s.events }));
  const lines = [
    `${subject} p99 per second of the run, ms (slow messages in it): ${perSecond.join(', ')}`,
    `  the first second by 100 ms: ${perTenth.join(', ')}`,
    `slow messages (${subject} > ${threshold.toFixed(2)} ms): ${slow.length} in ${episodes.length} episodes; the largest, with the tail events (≥ 1 ms) each process recorded meanwhile:`,
  ];
  // which kinds of event overlap slow episodes at all, over every episode: the run's tail in one line per source
  const overlapping = new Map<string, { episodes: number; ms: number }>();
  const shown = [...episodes].sort((a, b) => b.length - a.length).slice(0, EPISODES_SHOWN);
  for (const episode of episodes) {
    const from = episode[0]!.sentAt;
    const to = episode[episode.length - 1]!.sentAt + Math.max(...episode.map((s) => s.latency));
    const seen = new Set<string>();
    const found: { source: string; event: TailEvent }[] = [];
    for (const source of sources)
      for (const event of source.events)
        if (event.at >= from && event.at - event.ms <= to) {
          found.push({ source: source.name, event });
          const key = `${source.name} ${event.stage}`;
          const o = overlapping.get(key) ?? { episodes: 0, ms: 0 };
          if (!seen.has(key)) o.episodes++;
          seen.add(key);
          o.ms = Math.max(o.ms, event.ms);
          overlapping.set(key, o);
        }
    if (!shown.includes(episode)) continue;
    const worst = Math.max(...episode.map((s) => s.latency));
    lines.push(
      `  at +${((from - start) / 1000).toFixed(3)} s: ${episode.length} slow over ${(episode[episode.length - 1]!.sentAt - from).toFixed(1)} ms, worst ${worst.toFixed(2)} ms`,
    );
    // the longest of each process's kinds of event (a per-message stage repeats once per message)
    const longest = new Map<string, { source: string; event: TailEvent }>();
    for (const f of found) {
      const key = `${f.source} ${f.event.stage}`;
      if ((longest.get(key)?.event.ms ?? -1) < f.event.ms) longest.set(key, f);
    }
    const distinct = [...longest.values()].sort((a, b) => b.event.ms - a.event.ms);
    for (const { source, event } of distinct.slice(0, EVENTS_SHOWN))
      lines.push(
        `      ${source.padEnd(16)} ${event.stage.padEnd(30)} ${event.ms.toFixed(2).padStart(7)} ms, ended at +${((event.at - from) / 1).toFixed(1)} ms`,
      );
  }
  lines.push('  in how many of the episodes each process recorded each kind of tail event (longest):');
  for (const [key, o] of [...overlapping].sort((a, b) => b[1].episodes - a[1].episodes).slice(0, 16))
    lines.push(
      `      ${key.padEnd(48)} ${String(o.episodes).padStart(4)} of ${episodes.length}  (max ${o.ms.toFixed(2)} ms)`,
    );
  return lines;
}
