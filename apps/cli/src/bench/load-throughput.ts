// Worker side of the throughput scenario: N publishers → 1 subscriber on one topic. After a probe message proves the
// path works (and, for QoS 1, that the broker answers PUBACK), the publishers run flat out; the subscriber's count
// and both processes' CPU time are sampled at the start and end of the measured window that follows the warm-up.
import { PacketType, afterTopic, publishQos } from './frame-reader.js';
import { measureDelivery, wallClockMs } from './measure-window.js';
import { BENCH_TOPIC, publishTemplate, pubackBatch } from './mqtt-packets.js';
import { Qos0Publisher, Qos1Publisher, type Publisher } from './publishers.js';
import { NoReplyError, RawMqttClient } from './raw-mqtt-client.js';
import { UnsupportedError } from './unsupported-error.js';
import type { ThroughputJob, ThroughputResult } from './worker-protocol.js';

const KEEP_ALIVE_SECONDS = 600;

/**
 * A subscriber that counts PUBLISH frames and acknowledges QoS 1 ones right away — by default in one PUBACK write per
 * event-loop turn rather than per frame or chunk, since on loopback each write costs the load process a syscall
 * that also runs the broker's receive path; with `perPacketAcks` each PUBACK is a write of its own, as a real
 * client answers.
 */
export function countingSubscriber(
  client: RawMqttClient,
  onPublish?: (buf: Buffer, payloadAt: number, end: number) => void,
  perPacketAcks = false,
) {
  const counter = { delivered: 0 };
  const acks: number[] = [];
  client.onFrame = (type, flags, buf, start, end) => {
    if (type !== PacketType.PUBLISH) return;
    counter.delivered++;
    const topicEnd = afterTopic(buf, start, end);
    if (publishQos(flags) > 0) {
      if (perPacketAcks) client.socket.write(pubackBatch([buf.readUInt16BE(topicEnd)]));
      else acks.push(buf.readUInt16BE(topicEnd));
      if (onPublish) onPublish(buf, topicEnd + 2, end);
    } else if (onPublish) {
      onPublish(buf, topicEnd, end);
    }
  };
  let flushScheduled = false;
  const flush = (): void => {
    flushScheduled = false;
    if (acks.length > 0 && !client.closedReason) client.socket.write(pubackBatch(acks));
    acks.length = 0;
  };
  client.onChunkEnd = () => {
    if (acks.length > 0 && !flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
  };
  return counter;
}

/** Opens a client of this worker (client id `rb-<role>-<pid>`) and adds it to `clients`, which the caller closes. */
export async function openClient(
  job: { port: number; replyTimeoutMs: number },
  role: string,
  clients: RawMqttClient[],
): Promise<RawMqttClient> {
  const client = await RawMqttClient.open(
    job.port,
    `rb-${role}-${process.pid}`,
    KEEP_ALIVE_SECONDS,
    job.replyTimeoutMs,
  );
  clients.push(client);
  return client;
}

/**
 * The probe before a run: the PUBACK of a message the publisher just wrote (`puback`, for QoS 1; none to wait for
 * at QoS 0), then its delivery to the subscriber. A broker that answers neither in time cannot run the scenario.
 */
export async function probeDelivered(
  counter: { delivered: number },
  puback: Promise<unknown> | undefined,
  timeoutMs: number,
): Promise<void> {
  await puback?.catch((err: unknown) => {
    throw err instanceof NoReplyError ? new UnsupportedError(`no PUBACK within ${timeoutMs} ms`) : err;
  });
  await waitUntil(
    () => counter.delivered > 0,
    timeoutMs,
    `the subscriber got no message within ${timeoutMs} ms`,
  );
}

/** Subscribes with the QoS asked for; a refusal, a downgrade or no SUBACK in time means the broker cannot run this. */
export async function subscribeOrUnsupported(
  client: RawMqttClient,
  qos: 0 | 1,
  timeoutMs: number,
): Promise<void> {
  let granted: number;
  try {
    granted = await client.subscribe(BENCH_TOPIC, qos, timeoutMs);
  } catch (err) {
    if (err instanceof NoReplyError) throw new UnsupportedError(`no SUBACK within ${timeoutMs} ms`);
    throw err;
  }
  if (granted !== qos) {
    throw new UnsupportedError(
      `SUBACK granted ${granted === 0x80 ? 'failure (0x80)' : `QoS ${granted}`} to a QoS ${qos} subscription`,
    );
  }
}

/** Waits until `done()` holds, or fails with `reason` after `timeoutMs`. */
export async function waitUntil(done: () => boolean, timeoutMs: number, reason: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) throw new UnsupportedError(reason);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export async function runThroughput(
  job: ThroughputJob,
  progress: (text: string) => void,
): Promise<ThroughputResult> {
  const clients: RawMqttClient[] = [];
  try {
    const subscriber = await openClient(job, 'sub', clients);
    await subscribeOrUnsupported(subscriber, job.qos, job.replyTimeoutMs);
    const counter = countingSubscriber(subscriber, undefined, job.perPacketWrites);

    const pubClients: RawMqttClient[] = [];
    for (let i = 0; i < job.publishers; i++) pubClients.push(await openClient(job, `pub-${i}`, clients));
    const template = publishTemplate(BENCH_TOPIC, job.qos, job.payloadBytes);

    // probe: one message end to end before the flood, so a broker that cannot do this scenario is named, not timed
    const probe = pubClients[0]!;
    const puback = job.qos === 1 ? probe.expect(PacketType.PUBACK, job.replyTimeoutMs, 'PUBACK') : undefined;
    probe.socket.write(template.bytes);
    await probeDelivered(counter, puback, job.replyTimeoutMs);

    const publishers: Publisher[] = pubClients.map((client) =>
      job.qos === 1
        ? new Qos1Publisher(client, template, job.inflightWindow, job.perPacketWrites)
        : new Qos0Publisher(client, template, job.perPacketWrites),
    );
    return await measureDelivery(
      job,
      {
        publishers,
        sent: () => [{ count: publishers.reduce((sum, p) => sum + p.sent, 0), at: wallClockMs() }],
        delivered: () => counter.delivered,
        lostConnection: () => {
          const closed = clients.find((c) => c.closedReason);
          return closed ? `a load connection ended: ${closed.closedReason}` : null;
        },
      },
      progress,
    );
  } finally {
    for (const c of clients) c.close();
  }
}
