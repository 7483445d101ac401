// The scale scenarios of `robust-bench mqtt` (issue 16: fan-in, fan-out, many topics): what each one is — which
// clients publish what at which rate, which filters each subscriber holds — as pure functions both the
// orchestrator (scale-scenarios.ts) and its forked workers (scale-worker.ts) use, and the messages between them.

export type ScaleKind = 'fanin' | 'fanout' | 'topics';

/** The shape of one scale workload; every client's topic, rate and filters follow from it. */
export interface ScaleWorkload {
  kind: ScaleKind;
  publishers: number;
  subscribers: number;
  /** fan-in: each publisher sends 1..maxRate msg/s (publisher i: 1 + i mod maxRate); otherwise the one
   * publisher's rate. */
  rate: number;
  /** filters per subscriber (many topics: 100 each, so 1,000 subscribers hold 100,000). */
  filtersPerSubscriber: number;
  payloadBytes: number;
}

/** How many subscribers receive each message: every subscriber of the fan-out, exactly one otherwise. */
export function deliveriesPerMessage(w: ScaleWorkload): number {
  return w.kind === 'fanout' ? w.subscribers : 1;
}

/** Messages per second publisher `i` sends. */
export function publisherRate(w: ScaleWorkload, i: number): number {
  return w.kind === 'fanin' ? 1 + (i % w.rate) : w.rate;
}

/** Total messages per second offered by all publishers. */
export function offeredRate(w: ScaleWorkload): number {
  let total = 0;
  for (let i = 0; i < w.publishers; i++) total += publisherRate(w, i);
  return total;
}

/** The topic of publisher `i`'s `n`-th message. Many topics: the publisher walks all subscribers × filters
 * (100,000 distinct topics), the subscriber changing every message so consecutive messages go to different
 * connections. */
export function publishTopic(w: ScaleWorkload, i: number, n: number): string {
  if (w.kind === 'fanin') return `bench/fanin/${i}`;
  if (w.kind === 'fanout') return 'bench/fanout/all';
  const slot = n % (w.subscribers * w.filtersPerSubscriber);
  const subscriber = slot % w.subscribers;
  const filter = Math.floor(slot / w.subscribers);
  return `bench/mt/${subscriber}/${filter}/v`;
}

/** The filters subscriber `s` holds; in the many-topics case half end in `+`, half in `#`, and each message
 * matches exactly one filter of one subscriber. */
export function subscriberFilters(w: ScaleWorkload, s: number): string[] {
  if (w.kind === 'fanin') return ['bench/fanin/#'];
  if (w.kind === 'fanout') return ['bench/fanout/all'];
  return Array.from(
    { length: w.filtersPerSubscriber },
    (_, k) => `bench/mt/${s}/${k}/${k % 2 === 0 ? '+' : '#'}`,
  );
}

/** One worker's part: clients `first` .. `first + count - 1` of one role. */
export interface ScaleSetup {
  port: number;
  workload: ScaleWorkload;
  role: 'publisher' | 'subscriber';
  first: number;
  count: number;
  clientIdPrefix: string;
  keepAliveSeconds: number;
  /** handshakes in flight at once, so the broker's accept backlog is not overrun */
  concurrency: number;
  replyTimeoutMs: number;
}

export type ScaleParentMessage =
  | { type: 'setup'; setup: ScaleSetup }
  /** publishers: start sending at their rates */
  | { type: 'start' }
  /** publishers: stop sending */
  | { type: 'stop' }
  /** report the counters now */
  | { type: 'count' }
  | { type: 'close' };

export interface ScaleCounters {
  /** PUBLISH frames written (publishers) */
  sent: number;
  /** PUBACKs received for them (publishers) */
  acked: number;
  /** PUBLISH frames received (subscribers) */
  received: number;
}

export type ScaleWorkerMessage =
  | { type: 'ready'; connected: number; failed: number; firstError?: string; setupMs: number }
  | ({ type: 'count' } & ScaleCounters)
  | { type: 'progress'; text: string }
  | { type: 'error'; message: string };
