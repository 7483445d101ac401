// The messages between the bench orchestrator and its forked load worker: the job to run, and what comes back.
// Kept in one file so both sides agree on the shapes.
import type { TailEvent } from '@robustmq/common';

export interface ThroughputJob {
  kind: 'throughput';
  port: number;
  /** the broker process whose CPU time is sampled at the edges of the measured window */
  brokerPid: number;
  qos: 0 | 1;
  publishers: number;
  payloadBytes: number;
  warmupMs: number;
  durationMs: number;
  /** unacknowledged QoS 1 PUBLISHes allowed per publisher */
  inflightWindow: number;
  /** how long a CONNACK/SUBACK/PUBACK may take before the broker is reported as not supporting the scenario */
  replyTimeoutMs: number;
  /** one socket write per PUBLISH (a real client's pattern) instead of batches of pre-built PUBLISHes */
  perPacketWrites: boolean;
}

/** Where the MQTT.js clients of the ordinary scenario run: each publisher in a process of its own apart from the
 * subscriber's ('per-client', as deployments have them), or all of them in the load worker's one event loop ('one'). */
export const ORDINARY_PROCESSES = ['per-client', 'one'] as const;
export type OrdinaryProcesses = (typeof ORDINARY_PROCESSES)[number];

/** Throughput with MQTT.js clients used as an application uses them (see load-ordinary.ts); answers a ThroughputResult. */
export interface OrdinaryJob extends Omit<ThroughputJob, 'kind' | 'perPacketWrites'> {
  kind: 'ordinary';
  processes: OrdinaryProcesses;
}

/** The load worker to one publisher process of the per-client mode (ordinary-publisher.ts). */
export type PublisherCommand =
  | {
      type: 'open';
      port: number;
      clientId: string;
      qos: 0 | 1;
      payloadBytes: number;
      inflightWindow: number;
      replyTimeoutMs: number;
    }
  | { type: 'probe' }
  | { type: 'start' }
  | { type: 'count' }
  | { type: 'stop' };

export type PublisherReply =
  | { type: 'ready' }
  | { type: 'probed' }
  /** messages written so far, read at `at` (ms, wall clock) */
  | { type: 'count'; sent: number; at: number }
  | { type: 'lost'; reason: string }
  | { type: 'unsupported'; reason: string }
  | { type: 'error'; message: string };

export interface LatencyJob {
  kind: 'latency';
  port: number;
  brokerPid: number;
  /** messages per second from the one publisher */
  rate: number;
  payloadBytes: number;
  warmupMs: number;
  durationMs: number;
  inflightWindow: number;
  replyTimeoutMs: number;
  /** how long to wait after the window for messages still in flight before counting them lost */
  drainMs: number;
  /** every PUBLISH and every PUBACK a socket write of its own, as a real client writes them */
  perPacketWrites?: boolean;
  /** also return every sample's send time and the worker's own GC pauses (`--stage-timings`: the slow messages are
   * lined up with the broker's tail events, tail-report.ts) */
  tails?: boolean;
}

export interface ConnectionsJob {
  kind: 'connections';
  port: number;
  count: number;
  clientIdPrefix: string;
  keepAliveSeconds: number;
  /** handshakes in progress at once, so the broker's accept backlog is not overrun */
  concurrency: number;
  replyTimeoutMs: number;
}

export type Job = ThroughputJob | OrdinaryJob | LatencyJob | ConnectionsJob;

/** CPU use over the measured window, in milliseconds of CPU time (user + system, all threads). */
export interface WindowCpu {
  windowMs: number;
  brokerCpuMs: number;
  /** every load process together */
  loadCpuMs: number;
  /** when the publishers run in processes of their own: the subscriber's process, and the publishers' together */
  subscriberCpuMs?: number;
  publishersCpuMs?: number;
}

export interface ThroughputResult extends WindowCpu {
  kind: 'throughput';
  /** PUBLISH frames received by the subscriber inside the window */
  delivered: number;
  /** PUBLISH frames written by the publishers inside the window */
  sent: number;
}

export interface LatencyResult extends WindowCpu {
  kind: 'latency';
  /** milliseconds, over the messages sent inside the window */
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  /** milliseconds from a PUBLISH to its PUBACK, over the messages sent inside the window */
  ackP50: number;
  ackP99: number;
  ackP999: number;
  samples: number;
  sentInWindow: number;
  /** sent inside the window but not delivered by the end of the drain time */
  lost: number;
  /** sends put off because the in-flight window was full (a sign the broker, not the pacing, set the pace) */
  deferred: number;
  /** with `tails`: each delivered sample's send time (epoch ms) and latency (ms), and the worker's GC pauses */
  tails?: { sentAt: number[]; latency: number[]; ownGc: TailEvent[] };
}

export interface ConnectionsResult {
  kind: 'connections';
  opened: number;
  failed: number;
  firstError?: string;
  elapsedMs: number;
}

export type JobResult = ThroughputResult | LatencyResult | ConnectionsResult;

export type ParentMessage = { type: 'job'; job: Job } | { type: 'close' };

export type WorkerMessage =
  | { type: 'progress'; text: string }
  | { type: 'result'; result: JobResult }
  /** the broker did not take part (no SUBACK/PUBACK with QoS 1 in time, or QoS 1 not granted) */
  | { type: 'unsupported'; reason: string }
  | { type: 'error'; message: string };
