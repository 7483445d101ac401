// Worker side of the latency scenario: one QoS 1 publisher at a fixed rate → one QoS 1 subscriber, both in this
// process so the send timestamp in each payload and the receive time come from the same clock (performance.now()).
// Pacing is by schedule: each timer turn sends what has fallen due since the start, so a late timer does not lower
// the rate; sends that wait for a full in-flight window are counted, as they mean the broker set the pace.
import { PacketType } from './frame-reader.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { snapshot, watchedSleep, windowCpu } from './measure-window.js';
import { markStageWindow } from './stage-report.js';
import { BENCH_TOPIC, publishTemplate } from './mqtt-packets.js';
import { Qos1Batcher } from './publishers.js';
import type { RawMqttClient } from './raw-mqtt-client.js';
import { countingSubscriber, openClient, probeDelivered, subscribeOrUnsupported } from './load-throughput.js';
import { percentile } from './statistics.js';
import { watchOwnGc } from './tail-report.js';
import type { LatencyJob, LatencyResult } from './worker-protocol.js';

export async function runLatency(job: LatencyJob, progress: (text: string) => void): Promise<LatencyResult> {
  if (job.payloadBytes < 8) throw new Error('latency payloads need at least 8 bytes for the timestamp');
  const clients: RawMqttClient[] = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    const subscriber = await openClient(job, 'lsub', clients);
    await subscribeOrUnsupported(subscriber, 1, job.replyTimeoutMs);

    // the window's bounds, by send timestamp; only messages sent inside it are sampled
    let windowStart = Infinity;
    let windowEnd = Infinity;
    const latencies: number[] = [];
    // (with `tails`) each sample's send time, epoch ms, beside its latency
    const sentAts: number[] | undefined = job.tails ? [] : undefined;
    const counter = countingSubscriber(
      subscriber,
      (buf, payloadAt, end) => {
        if (end - payloadAt < 8) return;
        const sentAt = buf.readDoubleLE(payloadAt);
        if (sentAt >= windowStart && sentAt < windowEnd) {
          latencies.push(performance.now() - sentAt);
          sentAts?.push(performance.timeOrigin + sentAt);
        }
      },
      job.perPacketWrites === true,
    );

    const publisher = await openClient(job, 'lpub', clients);
    const template = publishTemplate(BENCH_TOPIC, 1, job.payloadBytes);
    const batcher = new Qos1Batcher(template);

    const puback = publisher.expect(PacketType.PUBACK, job.replyTimeoutMs, 'PUBACK');
    publisher.socket.write(batcher.build(1, -1)); // stamped before any window, so never sampled
    await probeDelivered(counter, puback, job.replyTimeoutMs);

    // publish → PUBACK, the time a publisher waits for "stored" (durable before PUBACK on a persistent broker)
    const sentAtById = new Float64Array(65536);
    const ackLatencies: number[] = [];
    const { packetIdOffset } = template;
    const size = template.bytes.length;
    let inflight = 0;
    let lastAckAt = performance.now();
    let owed = 0; // fallen due but not yet sent
    let dueSoFar = 0;
    let deferred = 0;
    let sentInWindow = 0;
    let sending = true;
    const t0 = performance.now();
    const send = (fromTimer: boolean): void => {
      if (!sending || publisher.closedReason) return;
      const now = performance.now();
      const carried = owed;
      if (fromTimer) {
        const due = Math.floor(((now - t0) * job.rate) / 1000);
        owed += due - dueSoFar;
        dueSoFar = due;
      }
      const n = Math.min(owed, job.inflightWindow - inflight);
      if (n <= 0) return;
      deferred += Math.min(n, carried);
      owed -= n;
      inflight += n;
      if (now >= windowStart && now < windowEnd) sentInWindow += n;
      if (job.perPacketWrites) {
        for (let i = 0; i < n; i++) {
          const bytes = batcher.build(1, now);
          sentAtById[bytes.readUInt16BE(packetIdOffset)] = now;
          publisher.socket.write(bytes);
        }
      } else {
        const bytes = batcher.build(n, now);
        for (let i = 0; i < n; i++) sentAtById[bytes.readUInt16BE(i * size + packetIdOffset)] = now;
        publisher.socket.write(bytes);
      }
    };
    publisher.onFrame = (type, _flags, buf, start) => {
      if (type !== PacketType.PUBACK) return;
      inflight--;
      const sentAt = sentAtById[buf.readUInt16BE(start)]!;
      if (sentAt >= windowStart && sentAt < windowEnd) ackLatencies.push(performance.now() - sentAt);
    };
    publisher.onChunkEnd = () => {
      lastAckAt = performance.now();
      send(false);
    };
    const tick = (): void => {
      send(true);
      if (sending) timer = setTimeout(tick, 1);
    };
    tick();

    const stalled = (): string | null => {
      const closed = clients.find((c) => c.closedReason);
      if (closed) return `a load connection ended: ${closed.closedReason}`;
      if (inflight > 0 && performance.now() - lastAckAt > job.replyTimeoutMs)
        return `stalled: no PUBACK for ${job.replyTimeoutMs} ms`;
      return null;
    };
    if (job.warmupMs > 0) {
      progress(`warming up ${job.warmupMs / 1000} s`);
      await watchedSleep(job.warmupMs, stalled);
    }
    const ownGc = job.tails ? watchOwnGc() : undefined;
    const start = snapshot(job.brokerPid);
    markStageWindow(job.brokerPid);
    windowStart = start.at;
    windowEnd = start.at + job.durationMs;
    const deferred0 = deferred;
    progress(`measuring ${job.durationMs / 1000} s at ${job.rate} msg/s`);
    await watchedSleep(job.durationMs, stalled);
    const end = snapshot(job.brokerPid);
    markStageWindow(job.brokerPid);
    sending = false;
    clearTimeout(timer);

    // let the tail arrive: cutting it off would hide exactly the slow messages p999 and max are about
    const drainUntil = performance.now() + job.drainMs;
    while (latencies.length < sentInWindow && performance.now() < drainUntil) await sleep(10);
    ownGc?.stop();

    const sorted = Float64Array.from(latencies).sort();
    const acks = Float64Array.from(ackLatencies).sort();
    return {
      kind: 'latency',
      p50: percentile(sorted, 0.5),
      p90: percentile(sorted, 0.9),
      p99: percentile(sorted, 0.99),
      p999: percentile(sorted, 0.999),
      max: sorted.length > 0 ? sorted[sorted.length - 1]! : NaN,
      ackP50: percentile(acks, 0.5),
      ackP99: percentile(acks, 0.99),
      ackP999: percentile(acks, 0.999),
      samples: sorted.length,
      sentInWindow,
      lost: Math.max(0, sentInWindow - sorted.length),
      deferred: deferred - deferred0,
      ...windowCpu(start, end),
      ...(sentAts && ownGc ? { tails: { sentAt: sentAts, latency: latencies, ownGc: ownGc.events } } : {}),
    };
  } finally {
    clearTimeout(timer);
    for (const c of clients) c.close();
  }
}
