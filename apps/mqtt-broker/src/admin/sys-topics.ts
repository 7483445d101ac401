// The broker's `$SYS/brokers/<node id>/…` topics: version, uptime (seconds), clients/connected, messages/received,
// messages/sent and subscriptions/count, published as retained QoS 0 messages every mqtt.sys_interval_s seconds
// (0 = off). They go through the normal publish path, so `$SYS/#` subscribers and retained lookups see them; a
// leading wildcard does not match them (MQTT-4.7.2-1).
import { readFileSync } from 'node:fs';
import type { Broker } from '../core/broker-core.js';
import type { MqttBrokerConfig } from '../config.js';
import { OutgoingPublish } from '../packets/outgoing-publish.js';

/** the package version: package.json sits next to both src/ and dist/ (this file is one folder below them). */
export const BROKER_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** Starts publishing; returns the function that stops it. */
export function startSysTopics(broker: Broker, config: MqttBrokerConfig): () => void {
  const intervalMs = config.mqtt.sys_interval_s * 1000;
  if (intervalMs <= 0) return () => undefined;
  const base = `$SYS/brokers/${config.node.id}/`;
  const publish = (): void => {
    const values: [string, string | number][] = [
      ['version', BROKER_VERSION],
      ['uptime', Math.floor((Date.now() - broker.startedAt) / 1000)],
      ['clients/connected', broker.clientCount],
      ['messages/received', broker.stats.messagesReceived],
      ['messages/sent', broker.stats.messagesSent],
      ['subscriptions/count', broker.subscriptionCount],
    ];
    for (const [name, value] of values) {
      const message = new OutgoingPublish(base + name, Buffer.from(String(value)), 0, true, undefined);
      broker
        .acceptPublish(message)
        ?.catch((err: unknown) =>
          broker.logger.warn({ err, topic: message.topic }, '$SYS message not stored'),
        );
    }
  };
  publish();
  const timer = setInterval(publish, intervalMs).unref();
  return () => clearInterval(timer);
}
