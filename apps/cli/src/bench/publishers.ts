// The two ways the load generator publishes. QoS 0 writes a pre-built batch of PUBLISHes again and again, pausing
// when the socket pushes back (`write()` false → 'drain'), so a broker receives exactly as fast as TCP lets it.
// QoS 1 keeps a window of unacknowledged PUBLISHes per publisher and refills it as PUBACKs arrive; packet ids (and,
// for latency, a send timestamp) are patched into copies of one pre-encoded template. With `perPacket` both write
// every PUBLISH with a socket write of its own, as a real client (MQTT.js, an embedded device) does: the broker then
// gets many small reads instead of few large ones.
import type { RawMqttClient } from './raw-mqtt-client.js';
import { PacketType } from './frame-reader.js';
import { repeatTemplate, type PublishTemplate } from './mqtt-packets.js';

/** Messages per write for QoS 0: large enough that syscalls are few, small enough to stay under the high-water mark. */
const QOS0_BATCH = 64;
/** Batches written per event-loop turn before yielding, so the subscriber in the same process gets to read. */
const QOS0_WRITES_PER_TURN = 8;

export interface Publisher {
  /** PUBLISH frames written so far */
  readonly sent: number;
  /** the last time (performance.now()) a PUBLISH was written or a PUBACK arrived; for stall detection */
  readonly lastProgressAt: number;
  start(): void;
  stop(): void;
}

export class Qos0Publisher implements Publisher {
  sent = 0;
  lastProgressAt = performance.now();
  private running = false;
  private readonly batch: Buffer;
  private readonly perWrite: number;
  private readonly writesPerTurn: number;

  constructor(
    private readonly client: RawMqttClient,
    template: PublishTemplate,
    perPacket = false,
  ) {
    this.perWrite = perPacket ? 1 : QOS0_BATCH;
    this.writesPerTurn = perPacket ? QOS0_BATCH * QOS0_WRITES_PER_TURN : QOS0_WRITES_PER_TURN;
    this.batch = repeatTemplate(template, this.perWrite);
  }

  start(): void {
    this.running = true;
    this.pump();
  }

  stop(): void {
    this.running = false;
  }

  private readonly pump = (): void => {
    if (!this.running || this.client.closedReason) return;
    const socket = this.client.socket;
    this.lastProgressAt = performance.now();
    for (let i = 0; i < this.writesPerTurn; i++) {
      this.sent += this.perWrite;
      if (!socket.write(this.batch)) {
        socket.once('drain', this.pump);
        return;
      }
    }
    setImmediate(this.pump);
  };
}

/** Writes `count` copies of a QoS 1 template with consecutive packet ids (1..65535, wrapping) and a timestamp. */
export class Qos1Batcher {
  private nextId = 1;

  constructor(private readonly template: PublishTemplate) {}

  build(count: number, stampMs: number | null): Buffer {
    const { bytes, packetIdOffset, payloadOffset } = this.template;
    const size = bytes.length;
    const out = Buffer.allocUnsafe(size * count);
    for (let i = 0; i < count; i++) {
      const base = i * size;
      bytes.copy(out, base);
      out.writeUInt16BE(this.nextId, base + packetIdOffset);
      this.nextId = this.nextId === 0xffff ? 1 : this.nextId + 1;
      if (stampMs !== null) out.writeDoubleLE(stampMs, base + payloadOffset);
    }
    return out;
  }
}

export class Qos1Publisher implements Publisher {
  sent = 0;
  acked = 0;
  inflight = 0;
  lastProgressAt = performance.now();
  private running = false;
  private readonly batcher: Qos1Batcher;
  private readonly refillAt: number;

  constructor(
    private readonly client: RawMqttClient,
    template: PublishTemplate,
    private readonly window: number,
    private readonly perPacket = false,
  ) {
    this.batcher = new Qos1Batcher(template);
    client.onFrame = (type) => {
      if (type === PacketType.PUBACK) {
        this.inflight--;
        this.acked++;
      }
    };
    // refill only once a quarter of the window is free: every write is a syscall that on loopback also runs the
    // receiver's TCP path, so topping up one message per PUBACK would make the load generator the bottleneck
    this.refillAt = perPacket ? 1 : Math.max(1, Math.floor(window / 4));
    client.onChunkEnd = () => {
      this.lastProgressAt = performance.now();
      if (this.window - this.inflight >= this.refillAt) this.refill();
    };
  }

  start(): void {
    this.running = true;
    this.refill();
  }

  stop(): void {
    this.running = false;
  }

  private refill(): void {
    if (!this.running || this.client.closedReason) return;
    const free = this.window - this.inflight;
    if (free <= 0) return;
    this.inflight += free;
    this.sent += free;
    if (!this.perPacket) {
      this.client.socket.write(this.batcher.build(free, null));
      return;
    }
    for (let i = 0; i < free; i++) this.client.socket.write(this.batcher.build(1, null));
  }
}
