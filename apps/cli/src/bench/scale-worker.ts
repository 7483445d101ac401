// A load process of the scale scenarios (scale-protocol.ts): holds a share of the publishers or subscribers of one
// workload — up to a few thousand connections, since one process may hold at most 20,000 open files — and on the
// orchestrator's word publishes at each client's rate (QoS 1, one socket write per PUBLISH, as a device does) or
// counts what arrives (QoS 1, acknowledged). One 50 ms pacing timer serves all publishers of the process.
import mqttPacket from 'mqtt-packet';
import { PacketType, afterTopic, publishQos } from './frame-reader.js';
import { pubackBatch } from './mqtt-packets.js';
import { RawMqttClient } from './raw-mqtt-client.js';
import {
  publisherRate,
  publishTopic,
  subscriberFilters,
  type ScaleCounters,
  type ScaleParentMessage,
  type ScaleSetup,
  type ScaleWorkerMessage,
} from './scale-protocol.js';

const PACE_MS = 50;

function send(message: ScaleWorkerMessage): void {
  if (process.send && process.connected) process.send(message);
}

const counters: ScaleCounters = { sent: 0, acked: 0, received: 0 };
let clients: RawMqttClient[] = [];
let pacer: NodeJS.Timeout | undefined;

async function openClients(setup: ScaleSetup): Promise<void> {
  const started = performance.now();
  let next = 0;
  let failed = 0;
  let firstError: string | undefined;
  const opened: RawMqttClient[] = [];
  const lane = async (): Promise<void> => {
    while (next < setup.count) {
      const index = setup.first + next++;
      try {
        const client = await RawMqttClient.open(
          setup.port,
          `${setup.clientIdPrefix}-${index}`,
          setup.keepAliveSeconds,
          setup.replyTimeoutMs,
        );
        if (setup.role === 'subscriber')
          await subscribe(client, subscriberFilters(setup.workload, index), setup.replyTimeoutMs);
        else watchAcks(client);
        opened[index - setup.first] = client;
      } catch (err) {
        failed++;
        firstError ??= (err as Error).message;
      }
      if ((next & 1023) === 0)
        send({ type: 'progress', text: `${next} of ${setup.count} ${setup.role}s set up` });
    }
  };
  await Promise.all(Array.from({ length: Math.min(setup.concurrency, setup.count) }, lane));
  clients = opened;
  const connected = opened.filter((c) => c !== undefined && !c.closedReason).length;
  // a client the broker dropped after its handshake is not being held, so it counts as failed
  firstError ??=
    connected < setup.count - failed ? 'connection closed by the broker after its handshake' : undefined;
  send({
    type: 'ready',
    connected,
    failed: setup.count - connected,
    ...(firstError ? { firstError } : {}),
    setupMs: performance.now() - started,
  });
}

/** One SUBSCRIBE with all of the client's filters at QoS 1; then every PUBLISH is counted and acknowledged. */
async function subscribe(client: RawMqttClient, filters: string[], timeoutMs: number): Promise<void> {
  const suback = client.expect(PacketType.SUBACK, timeoutMs, 'SUBACK');
  client.socket.write(
    mqttPacket.generate({
      cmd: 'subscribe',
      messageId: 1,
      subscriptions: filters.map((topic) => ({ topic, qos: 1 as const })),
    }),
  );
  const body = await suback;
  for (let i = 2; i < body.length; i++) {
    if (body[i]! > 1) throw new Error(`SUBACK refused filter ${filters[i - 2]} (0x${body[i]!.toString(16)})`);
  }
  const ids: number[] = [];
  client.onFrame = (type, flags, buf, start, end) => {
    if (type !== PacketType.PUBLISH) return;
    counters.received++;
    if (publishQos(flags) > 0) ids.push(buf.readUInt16BE(afterTopic(buf, start, end)));
  };
  client.onChunkEnd = () => {
    if (ids.length === 0) return;
    client.socket.write(pubackBatch(ids));
    ids.length = 0;
  };
}

function watchAcks(client: RawMqttClient): void {
  client.onFrame = (type) => {
    if (type === PacketType.PUBACK) counters.acked++;
  };
}

/** Starts every publisher of this process at its rate: a credit per client, paid out in whole messages each tick. */
function startPublishing(setup: ScaleSetup): void {
  const payload = Buffer.alloc(setup.workload.payloadBytes, 0x2e);
  const rates = clients.map((_, k) => publisherRate(setup.workload, setup.first + k));
  const credit = new Float64Array(clients.length);
  const sequence = new Uint32Array(clients.length);
  let last = performance.now();
  pacer = setInterval(() => {
    const now = performance.now();
    const seconds = (now - last) / 1000;
    last = now;
    for (let k = 0; k < clients.length; k++) {
      const client = clients[k];
      if (client === undefined || client.closedReason) continue;
      credit[k]! += rates[k]! * seconds;
      while (credit[k]! >= 1) {
        credit[k]! -= 1;
        const n = sequence[k]!++;
        const bytes = mqttPacket.generate({
          cmd: 'publish',
          topic: publishTopic(setup.workload, setup.first + k, n),
          payload,
          qos: 1,
          dup: false,
          retain: false,
          messageId: (n % 0xffff) + 1,
        });
        client.socket.write(bytes);
        counters.sent++;
      }
    }
  }, PACE_MS);
}

let setup: ScaleSetup | undefined;

process.on('message', (message: ScaleParentMessage) => {
  if (message.type === 'setup') {
    setup = message.setup;
    openClients(setup).catch((err: unknown) => send({ type: 'error', message: (err as Error).message }));
  } else if (message.type === 'start') {
    if (setup?.role === 'publisher') startPublishing(setup);
  } else if (message.type === 'stop') {
    clearInterval(pacer);
    send({ type: 'count', ...counters });
  } else if (message.type === 'count') {
    send({ type: 'count', ...counters });
  } else {
    clearInterval(pacer);
    for (const c of clients) c?.close();
    process.exit(0);
  }
});
// the orchestrator is gone: no load may outlive it
process.on('disconnect', () => process.exit(0));
