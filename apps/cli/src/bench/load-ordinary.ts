// Worker side of the "ordinary clients" scenario: N MQTT.js publishers → 1 MQTT.js subscriber on one topic, every
// client as an application would use it (MQTT.js 5 defaults: its own parser and encoder, Nagle left on). Each PUBLISH
// is issued from an event-loop turn of its own, so MQTT.js (which corks the socket until the end of a tick) writes
// every packet on its own, and the subscriber's MQTT.js answers every QoS 1 message with its own PUBACK — the
// traffic shape of real devices and services, unlike the raw client's batches. QoS 0 publishers go as fast as the
// socket takes; QoS 1 publishers keep a window of unacknowledged messages, publishing the next one as each PUBACK
// comes back.
import mqtt, { type MqttClient } from 'mqtt';
import { measureDelivery } from './measure-window.js';
import { BENCH_TOPIC } from './mqtt-packets.js';
import { UnsupportedError } from './unsupported-error.js';
import type { OrdinaryJob, ThroughputResult } from './worker-protocol.js';

const KEEP_ALIVE_SECONDS = 600;

function open(port: number, clientId: string, timeoutMs: number): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect({
      host: '127.0.0.1',
      port,
      clientId,
      protocolVersion: 4,
      keepalive: KEEP_ALIVE_SECONDS,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: timeoutMs,
    });
    const fail = (err: Error): void => {
      client.end(true);
      reject(err);
    };
    client.once('connect', () => {
      client.off('error', fail);
      resolve(client);
    });
    client.once('error', fail);
  });
}

/** One publisher: publishes the next message on a turn of its own until stopped. */
class OrdinaryPublisher {
  sent = 0;
  acked = 0;
  private inflight = 0;
  private running = false;
  private scheduled = false;

  constructor(
    private readonly client: MqttClient,
    private readonly payload: Buffer,
    private readonly qos: 0 | 1,
    private readonly window: number,
  ) {}

  start(): void {
    this.running = true;
    this.schedule();
  }

  stop(): void {
    this.running = false;
  }

  private schedule(): void {
    if (this.scheduled || !this.running) return;
    this.scheduled = true;
    setImmediate(this.step);
  }

  private readonly onAck = (err?: Error): void => {
    this.inflight--;
    if (!err) this.acked++;
    this.schedule();
  };

  private readonly step = (): void => {
    this.scheduled = false;
    if (!this.running || !this.client.connected) return;
    if (this.qos === 1) {
      if (this.inflight >= this.window) return; // the next PUBACK schedules the next turn
      this.inflight++;
      this.sent++;
      this.client.publish(BENCH_TOPIC, this.payload, { qos: 1 }, this.onAck);
      this.schedule();
      return;
    }
    this.sent++;
    this.client.publish(BENCH_TOPIC, this.payload, { qos: 0 });
    const stream = this.client.stream as unknown as NodeJS.WritableStream & { writableNeedDrain?: boolean };
    if (stream.writableNeedDrain) stream.once('drain', () => this.schedule());
    else this.schedule();
  };
}

export async function runOrdinary(
  job: OrdinaryJob,
  progress: (text: string) => void,
): Promise<ThroughputResult> {
  const clients: MqttClient[] = [];
  try {
    const subscriber = await open(job.port, `rb-osub-${process.pid}`, job.replyTimeoutMs);
    clients.push(subscriber);
    const granted = await Promise.race([
      subscriber.subscribeAsync(BENCH_TOPIC, { qos: job.qos }),
      new Promise<never>((_, reject) =>
        setTimeout(
          () => reject(new UnsupportedError(`no SUBACK within ${job.replyTimeoutMs} ms`)),
          job.replyTimeoutMs,
        ),
      ),
    ]);
    if (granted[0]?.qos !== job.qos) {
      throw new UnsupportedError(`SUBACK granted QoS ${granted[0]?.qos} to a QoS ${job.qos} subscription`);
    }
    let delivered = 0;
    subscriber.on('message', () => {
      delivered++;
    });

    const pubClients: MqttClient[] = [];
    for (let i = 0; i < job.publishers; i++) {
      const client = await open(job.port, `rb-opub-${process.pid}-${i}`, job.replyTimeoutMs);
      clients.push(client);
      pubClients.push(client);
    }
    const payload = Buffer.alloc(job.payloadBytes, 0x2e);

    // probe: one message end to end before the flood, so a broker that cannot do this is named, not timed
    await Promise.race([
      pubClients[0]!.publishAsync(BENCH_TOPIC, payload, { qos: job.qos }),
      new Promise<never>((_, reject) =>
        setTimeout(
          () => reject(new UnsupportedError(`no PUBACK within ${job.replyTimeoutMs} ms`)),
          job.replyTimeoutMs,
        ),
      ),
    ]);
    const probeDeadline = performance.now() + job.replyTimeoutMs;
    while (delivered === 0) {
      if (performance.now() > probeDeadline)
        throw new UnsupportedError(`the subscriber got no message within ${job.replyTimeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }

    const publishers = pubClients.map((c) => new OrdinaryPublisher(c, payload, job.qos, job.inflightWindow));
    return await measureDelivery(
      job,
      {
        publishers,
        delivered: () => delivered,
        lostConnection: () => {
          const closed = clients.find((c) => !c.connected);
          return closed ? `a load connection ended (${closed.options.clientId})` : null;
        },
      },
      progress,
    );
  } finally {
    for (const c of clients) c.end(true);
  }
}
