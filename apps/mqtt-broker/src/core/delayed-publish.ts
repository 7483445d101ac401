// `$delayed/<N>/<topic>`: a message published there is delivered to <topic> N seconds later (N an integer from 0 to
// mqtt.delayed_publish_max_s). The waiting message is a record of the session state (d/<id>), written before the
// publisher is acknowledged, so it survives a restart and is published then — at once if its time has passed. It
// enters the message log (and reaches subscribers) only when it is due; its record is deleted once that append is
// durable, so a crash in between publishes it again rather than losing it (at least once).
import { randomBytes } from 'node:crypto';
import type { QoS } from '@robustmq/protocol';
import type { Logger } from '@robustmq/common';
import type { BrokerStats } from './broker-settings.js';
import { longTimeout } from '../session/long-timeout.js';
import { OutgoingPublish, type ForwardedProperties } from '../packets/outgoing-publish.js';
import type { BrokerLog } from '../storage/broker-log.js';
import type { PacketObject, SessionPersistence } from '../storage/session-persistence.js';

const PREFIX = '$delayed/';

/** `$delayed/N/topic` split into delay and target; undefined for other topics; a problem string when malformed. */
export function parseDelayedTopic(topic: string): { delay: number; topic: string } | string | undefined {
  if (!topic.startsWith(PREFIX)) return undefined;
  const slash = topic.indexOf('/', PREFIX.length);
  const digits = slash < 0 ? topic.slice(PREFIX.length) : topic.slice(PREFIX.length, slash);
  if (!/^\d{1,10}$/.test(digits)) return `"${digits}" in ${PREFIX}N/topic is not a number of seconds`;
  if (slash < 0 || slash === topic.length - 1) return `${PREFIX}N/topic needs a topic after the delay`;
  return { delay: Number(digits), topic: topic.slice(slash + 1) };
}

/** What the delayed publisher needs of the broker. */
export interface DelayedHost {
  readonly persistence: Pick<SessionPersistence, 'putDelayed' | 'delayedEntries' | 'deleteDelayed'>;
  readonly stats: BrokerStats;
  readonly logger: Logger;
  readonly log: Pick<BrokerLog, 'whenStored'>;
  acceptPublish(message: OutgoingPublish): Promise<void> | undefined;
}

export class DelayedPublisher {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private seq = 0;
  private stopped = false;

  constructor(private readonly broker: DelayedHost) {}

  get pending(): number {
    return this.timers.size;
  }

  /** Stores the message and schedules it; resolves once the stored record is durable (then it may be acknowledged). */
  schedule(message: OutgoingPublish, delaySeconds: number): Promise<void> {
    const due = Date.now() + delaySeconds * 1000;
    const id = `${due.toString(36).padStart(9, '0')}-${(++this.seq).toString(36)}-${randomBytes(3).toString('hex')}`;
    const packet: PacketObject = {
      topic: message.topic,
      payload: message.payload,
      qos: message.qos,
      retain: message.retain,
      due,
      ...(message.publisher !== undefined ? { publisher: message.publisher } : {}),
      ...(message.properties ? { properties: message.properties } : {}),
    };
    const write = this.broker.persistence.putDelayed(id, packet);
    this.arm(id, packet);
    return write;
  }

  /** Schedules every stored delayed message (start-up). */
  restore(): void {
    for (const [id, packet] of [...this.broker.persistence.delayedEntries()]) this.arm(id, packet);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private arm(id: string, packet: PacketObject): void {
    const timer = longTimeout((packet.due as number) - Date.now(), () => this.fire(id, packet));
    this.timers.set(id, timer);
  }

  private fire(id: string, packet: PacketObject): void {
    this.timers.delete(id);
    if (this.stopped) return;
    const { broker } = this;
    const message = new OutgoingPublish(
      packet.topic as string,
      packet.payload as Buffer,
      ((packet.qos as number) ?? 0) as QoS,
      packet.retain === true,
      packet.properties as ForwardedProperties | undefined,
      packet.publisher as string | undefined,
    );
    broker.stats.messagesReceived++;
    const retainedWrite = broker.acceptPublish(message);
    const forgetRecord = (): void => {
      broker.persistence
        .deleteDelayed(id)
        .catch((err: unknown) => broker.logger.error({ err, id }, 'could not delete a delayed message'));
    };
    Promise.all([retainedWrite, broker.log.whenStored(message)]).then(forgetRecord, (err: unknown) =>
      // kept: it is published again at the next start
      broker.logger.error(
        { err, topic: message.topic },
        'delayed message not stored; kept for the next start',
      ),
    );
  }
}
