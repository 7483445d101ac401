// What one client or one source address may do, from `[limits]` (all off by default): the connect rate per IP
// address (checked on the raw socket, before TLS or MQTT), flapping detection (a client id that connects
// flapping_max_connects times within flapping_window_s is refused for flapping_ban_s, as EMQX does), and the publish
// rate and bandwidth of one connection (beyond them the broker stops reading from the client until it is back within
// its rate: backpressure, nothing is dropped). Every refusal is counted and logged by the LimitReporter.
import { KeyedRateLimiter, TokenBucket, type LimitReporter } from '@robustmq/common';
import type { MqttBrokerConfig } from '../config.js';

interface FlapRecord {
  /** connect times within the window, oldest first. */
  times: number[];
  bannedUntil: number;
}

/** Keys remembered before stale flapping records are swept out. */
const FLAP_SWEEP_AT = 10_000;

export class ClientLimits {
  private readonly connectRate: KeyedRateLimiter | undefined;
  private readonly flaps = new Map<string, FlapRecord>();
  private readonly flapMax: number;
  private readonly flapWindowMs: number;
  private readonly flapBanMs: number;
  private readonly publish: MqttBrokerConfig['limits'];
  private readonly maxPacketSize: number;

  constructor(
    config: Pick<MqttBrokerConfig, 'limits' | 'mqtt'>,
    readonly reporter: LimitReporter,
  ) {
    const l = config.limits;
    this.connectRate =
      l.connect_rate > 0
        ? new KeyedRateLimiter(l.connect_rate, l.connect_burst || Math.max(1, Math.ceil(l.connect_rate)))
        : undefined;
    this.flapMax = l.flapping_max_connects;
    this.flapWindowMs = l.flapping_window_s * 1000;
    this.flapBanMs = l.flapping_ban_s * 1000;
    this.publish = l;
    this.maxPacketSize = config.mqtt.max_packet_size;
  }

  /** Whether a connect rate per address is configured (else admitSocket admits every socket). */
  get limitsConnectRate(): boolean {
    return this.connectRate !== undefined;
  }

  /** A new socket from `remoteHost`: within the connect rate of its address? */
  admitSocket(remoteHost: string, listener: string): boolean {
    if (!this.connectRate || this.connectRate.tryTake(remoteHost)) return true;
    this.reporter.hit('connect_rate', listener, remoteHost);
    return false;
  }

  /** A CONNECT of `clientId`: false when the id is banned for flapping (this attempt may be the one that bans it). */
  admitConnect(clientId: string, now = Date.now()): boolean {
    if (this.flapMax === 0) return true;
    let record = this.flaps.get(clientId);
    if (!record) {
      if (this.flaps.size >= FLAP_SWEEP_AT) this.sweep(now);
      record = { times: [], bannedUntil: 0 };
      this.flaps.set(clientId, record);
    }
    if (record.bannedUntil > now) {
      this.reporter.hit('flapping', 'connect', clientId);
      return false;
    }
    const since = now - this.flapWindowMs;
    while (record.times.length > 0 && record.times[0]! <= since) record.times.shift();
    record.times.push(now);
    if (record.times.length > this.flapMax) {
      record.bannedUntil = now + this.flapBanMs;
      record.times = [];
      this.reporter.hit('flapping', 'connect', clientId);
      return false;
    }
    return true;
  }

  /** The publish limiter of a new connection, or undefined when no publish limit is set. */
  publishLimiter(): PublishLimiter | undefined {
    const { publish_rate, publish_burst, publish_bytes_rate, publish_bytes_burst } = this.publish;
    if (publish_rate === 0 && publish_bytes_rate === 0) return undefined;
    return new PublishLimiter(
      publish_rate > 0
        ? new TokenBucket(publish_rate, publish_burst || Math.max(1, Math.ceil(publish_rate)))
        : undefined,
      publish_bytes_rate > 0
        ? new TokenBucket(
            publish_bytes_rate,
            publish_bytes_burst || Math.max(this.maxPacketSize, Math.ceil(publish_bytes_rate)),
          )
        : undefined,
      this.reporter,
    );
  }

  private sweep(now: number): void {
    for (const [clientId, record] of this.flaps) {
      const last = record.times[record.times.length - 1] ?? 0;
      if (record.bannedUntil <= now && last <= now - this.flapWindowMs) this.flaps.delete(clientId);
    }
  }
}

/** One connection's publish rate and bandwidth. */
export class PublishLimiter {
  constructor(
    private readonly messages: TokenBucket | undefined,
    private readonly bytes: TokenBucket | undefined,
    private readonly reporter: LimitReporter,
  ) {}

  /** A PUBLISH of `size` bytes arrived: the milliseconds to stop reading from the client for (0: go on). */
  take(size: number, clientId: string | undefined): number {
    const now = Date.now();
    const waitMessages = this.messages?.takeWithDebt(1, now) ?? 0;
    const waitBytes = this.bytes?.takeWithDebt(size, now) ?? 0;
    if (waitMessages > 0) this.reporter.hit('publish_rate', 'publish', clientId);
    if (waitBytes > 0) this.reporter.hit('publish_bytes_rate', 'publish', clientId);
    return Math.max(waitMessages, waitBytes);
  }
}
