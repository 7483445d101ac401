// MQTT.js clients for tests: connect without reconnecting, close with the test's scope, collect what a client
// receives, and read a CONNACK's code for connections the broker refuses.
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Scope } from './scope.js';

export type { MqttClient, IClientOptions };

const testDefaults: IClientOptions = { reconnectPeriod: 0, connectTimeout: 5_000 };

/**
 * Called with a client before its CONNECT goes out: listeners that must see packets arriving together with the
 * CONNACK go here. A broker may send a persistent session's queued messages right behind the CONNACK, in the same
 * TCP read, and MQTT.js then emits them before `connectClient` resolves: a listener added after it misses them.
 */
export type BeforeConnect = (client: MqttClient) => void;

/** Connects (no reconnects); closed by `scope` when given. */
export function connectClient(
  url: string,
  options: IClientOptions = {},
  scope?: Scope,
  beforeConnect?: BeforeConnect,
): Promise<MqttClient> {
  if (!beforeConnect)
    return mqtt.connectAsync(url, { ...testDefaults, ...options }).then((client) => {
      scope?.add(client, (c) => c.endAsync(true), 'MQTT client');
      return client;
    });
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(url, { ...testDefaults, ...options });
    scope?.add(client, (c) => c.endAsync(true), 'MQTT client');
    beforeConnect(client);
    // as mqtt.connectAsync: resolved on CONNACK (or an end), rejected (and ended) on an error
    const settle = (err?: Error): void => {
      client.off('connect', onConnect);
      client.off('end', onConnect);
      client.off('error', settle);
      if (err) {
        client.end();
        reject(err);
      } else resolve(client);
    };
    const onConnect = (): void => settle();
    client.on('connect', onConnect);
    client.on('end', onConnect);
    client.on('error', settle);
  });
}

/**
 * A `client(options, beforeConnect?)` function for a test file: connects to `url()` (a function, since the broker
 * starts in beforeAll) with `defaults` under the options, and ends every client when `scope` closes.
 */
export function mqttClients(
  scope: Scope,
  url: () => string,
  defaults: IClientOptions = {},
): (options?: IClientOptions, beforeConnect?: BeforeConnect) => Promise<MqttClient> {
  return (options = {}, beforeConnect) =>
    connectClient(url(), { ...defaults, ...options }, scope, beforeConnect);
}

/**
 * Connects and resolves with the CONNACK's code (MQTT 5 reason code or 3.1.1 return code; -1 for an error without
 * one) instead of rejecting when the broker refuses. The client is closed by `scope` when given.
 */
export function connectResult(
  url: string,
  options: IClientOptions = {},
  scope?: Scope,
): Promise<{ client: MqttClient; code: number }> {
  return new Promise((resolve) => {
    const client = mqtt.connect(url, { ...testDefaults, ...options });
    scope?.add(client, (c) => c.endAsync(true), 'MQTT client');
    client.once('connect', (connack) =>
      resolve({ client, code: connack.reasonCode ?? connack.returnCode ?? 0 }),
    );
    client.once('error', (err) => resolve({ client, code: (err as { code?: number }).code ?? -1 }));
  });
}

/** The code a refused (or accepted: 0) connection gets; the client is ended at once. */
export async function connackCode(url: string, options: IClientOptions = {}): Promise<number> {
  const { client, code } = await connectResult(url, options);
  client.end(true);
  return code;
}

export interface Received {
  topic: string;
  payload: string;
  qos: number;
}

/** Collects every message a client receives, with a way to wait for a count. */
export function collect(client: MqttClient): {
  messages: Received[];
  waitFor(count: number, timeoutMs?: number): Promise<Received[]>;
} {
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
        if (left <= 0)
          throw new Error(`expected ${count} messages, got ${messages.length}: ${JSON.stringify(messages)}`);
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

export interface WillClientOptions {
  /** Will Delay Interval, seconds; default 1. */
  delay?: number;
  /** Session Expiry Interval, seconds; default 60. */
  expiry?: number;
  /** default false. */
  retain?: boolean;
  /** further will properties (contentType, …). */
  willProperties?: NonNullable<NonNullable<IClientOptions['will']>['properties']>;
}

/**
 * The CONNECT options of the client a will test drops: MQTT 5, a session that outlives the connection by `expiry`
 * seconds, and a QoS 1 will `payload` on `topic` published `delay` seconds after the connection is lost.
 */
export function willClient(clientId: string, topic: string, payload: string, o: WillClientOptions = {}) {
  return {
    clientId,
    protocolVersion: 5,
    properties: { sessionExpiryInterval: o.expiry ?? 60 },
    will: {
      topic,
      payload: Buffer.from(payload),
      qos: 1,
      retain: o.retain ?? false,
      properties: { willDelayInterval: o.delay ?? 1, ...o.willProperties },
    },
  } satisfies IClientOptions;
}
