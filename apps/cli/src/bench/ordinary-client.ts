// MQTT.js clients as the "ordinary clients" scenario uses them, shared by the load worker (subscriber, and the
// publishers when they share its process) and the publisher processes of the per-client mode: how a client
// connects, and a publisher that issues each PUBLISH on an event-loop turn of its own.
import mqtt, { type MqttClient } from 'mqtt';
import { BENCH_TOPIC } from './mqtt-packets.js';
import { UnsupportedError } from './unsupported-error.js';

const KEEP_ALIVE_SECONDS = 600;

/** MQTT.js 5 with its defaults (its own parser and encoder, Nagle left on), MQTT 3.1.1, clean session. */
export function openClient(port: number, clientId: string, timeoutMs: number): Promise<MqttClient> {
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

/** One message end to end before the flood (PUBACK for QoS 1), so a broker that cannot do this is named, not timed. */
export async function probePublish(
  client: MqttClient,
  payload: Buffer,
  qos: 0 | 1,
  timeoutMs: number,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.publishAsync(BENCH_TOPIC, payload, { qos }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new UnsupportedError(`no PUBACK within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** One publisher: publishes the next message on a turn of its own until stopped. */
export class OrdinaryPublisher {
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
