// MQTT.js helpers for tests: connect without reconnecting, and collect the messages a client receives.
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

export async function connectClient(url: string, options: IClientOptions = {}): Promise<MqttClient> {
  return mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5_000, ...options });
}

export interface Received {
  topic: string;
  payload: string;
  qos: number;
}

/** Collects every message a client receives, with a way to wait for a count. */
export function collect(client: MqttClient): { messages: Received[]; waitFor(count: number, timeoutMs?: number): Promise<Received[]> } {
  const messages: Received[] = [];
  const waiters: (() => void)[] = [];
  client.on('message', (topic, payload, packet) => {
    messages.push({ topic, payload: payload.toString(), qos: packet.qos });
    for (const wake of waiters.splice(0)) wake();
  });
  return {
    messages,
    async waitFor(count, timeoutMs = 3_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`expected ${count} messages, got ${messages.length}: ${JSON.stringify(messages)}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return messages;
    },
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
