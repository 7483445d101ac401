// The network fuzzer: many concurrent connections to a running broker, each sending a CONNECT and a batch of packets
// — valid ones from the pool, mutated ones (flipped bytes, bad remaining lengths, truncated frames, noise) and
// packets in the wrong state — then a PINGREQ. Each connection must be answered (PINGRESP) or closed by the broker
// within a timeout; one still open is sent a FIN and must then be closed. MQTT 5 connections the broker closes after
// a successful CONNACK should be told why with a DISCONNECT. Connection i uses the PRNG seeded with (seed, i), so
// any connection can be replayed alone.
import { connect, type Socket } from 'node:net';
import type { MqttVersion, Packet } from '@robustmq/protocol';
import mqttPacket from 'mqtt-packet';
import { mutate } from './mutate.js';
import { buildPool, connectPacket, type PacketPool } from './packet-pool.js';
import { Prng } from './prng.js';

export interface FuzzOptions {
  host?: string;
  port: number;
  seed: number;
  /** packets to send in total (frames written, valid or not). */
  packets: number;
  /** connections open at once. */
  concurrency?: number;
  /** mean packets per connection. */
  perConnection?: number;
  /** how long a connection may stay unanswered before it gets a FIN, and how long after the FIN it may stay open. */
  answerTimeoutMs?: number;
  closeTimeoutMs?: number;
}

export interface FuzzResult {
  seed: number;
  packetsSent: number;
  bytesSent: number;
  connections: number;
  /** connections that got their PINGRESP. */
  answered: number;
  /** connections the broker closed on its own. */
  closedByBroker: number;
  /** connections that needed our FIN (the broker was waiting for the rest of a packet) and were then closed. */
  closedAfterFin: number;
  /** connections neither answered nor closed, even after a FIN: each is a hang. Connection indexes. */
  hangs: number[];
  /** MQTT 5 connections closed by the broker after CONNACK 0: DISCONNECT reason codes seen, and closes without one. */
  v5DisconnectReasons: Record<string, number>;
  v5ClosedWithoutDisconnect: number;
  elapsedMs: number;
}

type Strategy = 'clean' | 'mutated' | 'garbage' | 'wrong-state';

export async function runFuzz(options: FuzzOptions): Promise<FuzzResult> {
  const concurrency = options.concurrency ?? 64;
  const perConnection = options.perConnection ?? 500;
  const poolPrng = new Prng(options.seed);
  const pools = new Map<MqttVersion, PacketPool>(
    [3, 4, 5].map((v) => [v as MqttVersion, buildPool(v as MqttVersion, poolPrng)]),
  );
  const result: FuzzResult = {
    seed: options.seed,
    packetsSent: 0,
    bytesSent: 0,
    connections: 0,
    answered: 0,
    closedByBroker: 0,
    closedAfterFin: 0,
    hangs: [],
    v5DisconnectReasons: {},
    v5ClosedWithoutDisconnect: 0,
    elapsedMs: 0,
  };
  const start = Date.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (result.packetsSent < options.packets) {
      const index = next++;
      await fuzzConnection(index, options, pools, perConnection, result);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  result.elapsedMs = Date.now() - start;
  return result;
}

async function fuzzConnection(
  index: number,
  options: FuzzOptions,
  pools: Map<MqttVersion, PacketPool>,
  perConnection: number,
  result: FuzzResult,
): Promise<void> {
  const prng = new Prng((options.seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const version = prng.pick([3, 4, 5, 5] as const);
  const pool = pools.get(version)!;
  const r = prng.next();
  const strategy: Strategy = r < 0.3 ? 'clean' : r < 0.8 ? 'mutated' : r < 0.9 ? 'garbage' : 'wrong-state';
  const frames = buildFrames(strategy, pool, prng, `fuzz-${options.seed}-${index}`, perConnection);
  const data = Buffer.concat(frames);
  result.connections++;
  result.packetsSent += frames.length;
  result.bytesSent += data.length;

  const socket = connect(options.port, options.host ?? '127.0.0.1');
  socket.setNoDelay(true);
  const outcome = await new Promise<'answered' | 'closed' | 'fin' | 'hang'>((resolve) => {
    let settled = false;
    let connackOk = false;
    let gotDisconnect = false;
    let finSent = false;
    const timers: NodeJS.Timeout[] = [];
    const settle = (how: 'answered' | 'closed' | 'fin' | 'hang'): void => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      if (how === 'closed' && version === 5 && connackOk && !gotDisconnect)
        result.v5ClosedWithoutDisconnect++;
      socket.destroy();
      resolve(how);
    };
    const parser = mqttPacket.parser({ protocolVersion: version });
    parser.on('packet', (packet: Packet) => {
      if (packet.cmd === 'connack') connackOk = (packet.reasonCode ?? packet.returnCode ?? 0) === 0;
      else if (packet.cmd === 'disconnect') {
        gotDisconnect = true;
        const code = `0x${(packet.reasonCode ?? 0).toString(16)}`;
        result.v5DisconnectReasons[code] = (result.v5DisconnectReasons[code] ?? 0) + 1;
      } else if (packet.cmd === 'pingresp') settle('answered');
    });
    parser.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => parser.parse(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => settle(finSent ? 'fin' : 'closed'));
    socket.once('connect', () => {
      writeInPieces(socket, data, prng);
      timers.push(
        setTimeout(() => {
          finSent = true;
          socket.end();
          timers.push(setTimeout(() => settle('hang'), options.closeTimeoutMs ?? 3_000));
        }, options.answerTimeoutMs ?? 1_000),
      );
    });
  });
  if (outcome === 'answered') result.answered++;
  else if (outcome === 'closed') result.closedByBroker++;
  else if (outcome === 'fin') result.closedAfterFin++;
  else result.hangs.push(index);
}

function buildFrames(
  strategy: Strategy,
  pool: PacketPool,
  prng: Prng,
  clientId: string,
  perConnection: number,
): Buffer[] {
  const frames: Buffer[] = [];
  const connect = connectPacket(pool.version, clientId, prng);
  const count = Math.max(1, Math.round(perConnection * (0.5 + prng.next())));
  switch (strategy) {
    case 'clean':
      frames.push(connect);
      for (let i = 0; i < count; i++) frames.push(prng.pick(pool.afterConnect));
      break;
    case 'mutated':
      frames.push(prng.chance(0.05) ? mutate(connect, prng) : connect);
      for (let i = 0; i < count; i++) {
        const packet = prng.pick(pool.afterConnect);
        const r = prng.next();
        frames.push(
          r < 1 / 300
            ? mutate(packet, prng)
            : r < 1 / 200 && pool.violations.length > 0
              ? prng.pick(pool.violations)
              : packet,
        );
      }
      break;
    case 'garbage':
      if (prng.chance(0.5)) frames.push(connect);
      for (let i = 0; i < count; i++) frames.push(prng.bytes(1 + prng.int(32)));
      break;
    case 'wrong-state': {
      const how = prng.int(3);
      if (how === 0)
        frames.push(prng.pick(pool.afterConnect)); // anything before CONNECT
      else if (how === 1)
        frames.push(connect, connect); // a second CONNECT
      else frames.push(connect, prng.pick(pool.serverOnly)); // a packet only servers send
      for (let i = 0; i < count; i++) frames.push(prng.pick(pool.afterConnect));
      break;
    }
  }
  frames.push(Buffer.from([0xc0, 0x00])); // PINGREQ: the broker's answer shows it got this far
  return frames;
}

/** Writes the batch in 1-4 pieces cut at random places, so frames also straddle reads. */
function writeInPieces(socket: Socket, data: Buffer, prng: Prng): void {
  const pieces = 1 + prng.int(4);
  let at = 0;
  for (let i = 1; i < pieces; i++) {
    const cut = at + prng.int(data.length - at);
    socket.write(data.subarray(at, cut));
    at = cut;
  }
  socket.write(data.subarray(at));
}
