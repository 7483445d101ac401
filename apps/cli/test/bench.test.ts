// robust-bench's pieces, fast: the streaming frame reader on split and coalesced chunks, the pre-encoded packets,
// the statistics, and a one-second end-to-end `robust-bench mqtt` against mosquitto (skipped if it is not installed).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import mqttPacket from 'mqtt-packet';
import { afterAll, describe, expect, it } from 'vitest';
import { FrameError, FrameReader, PacketType, afterTopic, publishQos } from '../src/bench/frame-reader.js';
import { pubackBatch, publishTemplate } from '../src/bench/mqtt-packets.js';
import { runThroughput } from '../src/bench/load-throughput.js';
import { Qos1Batcher } from '../src/bench/publishers.js';
import { UnsupportedError } from '../src/bench/unsupported-error.js';
import { closeServer, listen } from '@robustmq/common';
import { median, percentile } from '../src/bench/statistics.js';
import type { RunRecord } from '../src/bench/bench-results.js';
import { killAll, ROOT, runNode, tempDir, removeDir } from '@robustmq/testing';

interface Frame {
  type: number;
  flags: number;
  body: string;
}

function collect(): { frames: Frame[]; reader: FrameReader } {
  const frames: Frame[] = [];
  const reader = new FrameReader((type, flags, buf, start, end) => {
    frames.push({ type, flags, body: buf.subarray(start, end).toString('hex') });
  });
  return { frames, reader };
}

// frames of every length class: 2-byte PUBACK, small PUBLISH, and a PUBLISH whose length needs a 2-byte varint
const packets = [
  mqttPacket.generate({ cmd: 'puback', messageId: 7 }),
  mqttPacket.generate({
    cmd: 'publish',
    topic: 'a/b',
    payload: Buffer.from('hello'),
    qos: 1,
    messageId: 513,
    dup: false,
    retain: false,
  }),
  mqttPacket.generate({
    cmd: 'publish',
    topic: 'big',
    payload: Buffer.alloc(300, 7),
    qos: 0,
    dup: false,
    retain: false,
  }),
  mqttPacket.generate({ cmd: 'suback', messageId: 1, granted: [1] }),
];
const stream = Buffer.concat(packets);

describe('FrameReader', () => {
  const expected = collect();
  expected.reader.push(stream);

  it('splits coalesced frames', () => {
    expect(expected.frames.map((f) => f.type)).toEqual([
      PacketType.PUBACK,
      PacketType.PUBLISH,
      PacketType.PUBLISH,
      PacketType.SUBACK,
    ]);
    expect(expected.frames[2]!.body.length / 2).toBe(2 + 3 + 300);
    expect(expected.reader.pendingBytes).toBe(0);
  });

  it('gives the same frames however the stream is cut in two or three', () => {
    for (let a = 1; a < stream.length; a++) {
      for (const b of [a, Math.min(stream.length, a + 1), Math.min(stream.length, a + 3)]) {
        const got = collect();
        got.reader.push(stream.subarray(0, a));
        got.reader.push(stream.subarray(a, b));
        got.reader.push(stream.subarray(b));
        expect(got.frames).toEqual(expected.frames);
      }
    }
  });

  it('gives the same frames fed one byte at a time', () => {
    const got = collect();
    for (let i = 0; i < stream.length; i++) got.reader.push(stream.subarray(i, i + 1));
    expect(got.frames).toEqual(expected.frames);
  });

  it('rejects a remaining length of more than 4 bytes and frames over the limit', () => {
    expect(() => collect().reader.push(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]))).toThrow(
      FrameError,
    );
    const small = new FrameReader(() => {}, 10);
    expect(() => small.push(Buffer.from([0x30, 11]))).toThrow(/exceeds/);
  });

  it('finds the QoS and packet id of a PUBLISH', () => {
    const got: number[] = [];
    const reader = new FrameReader((type, flags, buf, start, end) => {
      if (type === PacketType.PUBLISH && publishQos(flags) === 1)
        got.push(buf.readUInt16BE(afterTopic(buf, start, end)));
    });
    reader.push(stream);
    expect(got).toEqual([513]);
  });
});

describe('pre-encoded packets', () => {
  function parseAll(bytes: Buffer): mqttPacket.Packet[] {
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    const out: mqttPacket.Packet[] = [];
    parser.on('packet', (p: mqttPacket.Packet) => out.push(p));
    parser.on('error', (err: Error) => {
      throw err;
    });
    parser.parse(bytes);
    return out;
  }

  it('patches packet ids and timestamps into valid QoS 1 PUBLISHes', () => {
    const batcher = new Qos1Batcher(publishTemplate('t/x', 1, 64));
    batcher.build(65534, null); // wrap past 65535 back to 1
    const parsed = parseAll(batcher.build(3, 1234.5)) as mqttPacket.IPublishPacket[];
    expect(parsed.map((p) => p.messageId)).toEqual([65535, 1, 2]);
    expect(parsed.every((p) => p.topic === 't/x' && p.qos === 1 && (p.payload as Buffer).length === 64)).toBe(
      true,
    );
    expect((parsed[0]!.payload as Buffer).readDoubleLE(0)).toBe(1234.5);
  });

  it('encodes PUBACK batches', () => {
    const parsed = parseAll(pubackBatch([1, 300, 65535])) as mqttPacket.IPubackPacket[];
    expect(parsed.map((p) => [p.cmd, p.messageId])).toEqual([
      ['puback', 1],
      ['puback', 300],
      ['puback', 65535],
    ]);
  });
});

describe('statistics', () => {
  it('takes nearest-rank percentiles and medians', () => {
    const sorted = Array.from({ length: 1000 }, (_, i) => i + 1);
    expect([0.5, 0.9, 0.99, 0.999, 1].map((p) => percentile(sorted, p))).toEqual([500, 900, 990, 999, 1000]);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
});

/** A broker that accepts every CONNECT and answers SUBSCRIBE with `grant`, but never acknowledges a PUBLISH. */
async function fakeBroker(grant: number): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    const reader = new FrameReader((type, _flags, buf, start) => {
      if (type === 1) socket.write(Buffer.from([0x20, 2, 0, 0]));
      if (type === 8) socket.write(Buffer.from([0x90, 3, buf[start]!, buf[start + 1]!, grant]));
    });
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    socket.on('error', () => {});
  });
  return { server, port: await listen(server, 0, '127.0.0.1') };
}

describe('a broker without QoS 1', () => {
  const job = (port: number) =>
    ({
      kind: 'throughput',
      port,
      brokerPid: process.pid,
      qos: 1,
      publishers: 1,
      payloadBytes: 64,
      warmupMs: 0,
      durationMs: 100,
      inflightWindow: 10,
      replyTimeoutMs: 300,
      perPacketWrites: false,
    }) as const;

  it('is reported as not supported when SUBACK downgrades QoS 1', async () => {
    const { server, port } = await fakeBroker(0);
    await expect(runThroughput(job(port), () => {})).rejects.toThrow(
      new UnsupportedError('SUBACK granted QoS 0 to a QoS 1 subscription'),
    );
    await closeServer(server);
  });

  it('is reported as not supported, not waited for, when PUBACK never comes', async () => {
    const { server, port } = await fakeBroker(1);
    await expect(runThroughput(job(port), () => {})).rejects.toThrow(
      new UnsupportedError('no PUBACK within 300 ms'),
    );
    await closeServer(server);
  });
});

const hasMosquitto = !spawnSync('mosquitto', ['-h']).error;

describe.skipIf(!hasMosquitto)('robust-bench mqtt against mosquitto', () => {
  const dir = tempDir('robust-bench-test');
  afterAll(() => {
    killAll();
    removeDir(dir);
  });

  it('measures every scenario and prints the tables and the command', async () => {
    if (!existsSync(join(ROOT, 'apps/cli/dist/robust-bench.js')))
      throw new Error('build first: npx tsc -b apps/cli');
    const json = join(dir, 'results.json');
    const args = [
      'mqtt',
      '--brokers',
      'mosquitto',
      '--duration',
      '1',
      '--warmup',
      '0',
      '--connections',
      '200',
      '--runs',
      '1',
      '--json',
      json,
    ];
    const proc = runNode('apps/cli/dist/robust-bench.js', args);
    const { code } = await proc.exited;
    const output = proc.output();
    expect(code, output).toBe(0);
    expect(output).toContain('### Throughput');
    expect(output).toContain('### Latency');
    expect(output).toContain('### Idle connections');
    expect(output).toMatch(/\| QoS 1, 4 pub → 1 sub \| [\d,]+ \|/);
    expect(output).toContain(`Command: \`node apps/cli/dist/robust-bench.js ${args.join(' ')}\``);

    const records = (JSON.parse(readFileSync(json, 'utf8')) as { records: RunRecord[] }).records;
    expect(records).toHaveLength(6);
    for (const r of records) {
      expect(r.outcome, `${r.caseLabel}: ${JSON.stringify(r.outcome)}`).toMatchObject({ status: 'ok' });
      if (r.outcome.status !== 'ok') continue;
      const m = r.outcome.value;
      if (r.scenario === 'throughput') {
        expect(m.msgPerSec).toBeGreaterThan(0);
        expect(m.msgPerBrokerCpuSec).toBeGreaterThan(0);
      } else if (r.scenario === 'latency') {
        expect(m.samples).toBeGreaterThan(0);
        expect(m.p50).toBeGreaterThan(0);
        expect(m.max).toBeGreaterThanOrEqual(m.p999!);
      } else {
        expect(m.connections).toBe(200);
        expect(m.rssAfterBytes).toBeGreaterThan(0);
      }
    }
  }, 60_000);

  it('measures our broker on journal storage (robustmq start, as the quick start) next to mosquitto, per-packet writes', async () => {
    const args = [
      'mqtt',
      '--brokers',
      'robustmq-journal,mosquitto',
      '--scenarios',
      'throughput',
      '--duration',
      '1',
      '--warmup',
      '0',
      '--runs',
      '1',
      '--per-packet-writes',
    ];
    const proc = runNode('apps/cli/dist/robust-bench.js', args);
    const { code } = await proc.exited;
    const output = proc.output();
    expect(code, output).toBe(0);
    expect(output).toContain('robustmq-journal: `node apps/cli/dist/robustmq.js start`');
    expect(output).toContain('every PUBLISH is a socket write of its own');
    expect(output).toMatch(/\| QoS 1, 1 pub → 1 sub \| [\d,]+ \| [\d,]+ \| [\d.]+× \|/);
  }, 90_000);

  it('drives brokers with MQTT.js clients (ordinary) and at fixed rates, aedes beside mosquitto', async () => {
    const args = [
      'mqtt',
      '--brokers',
      'mosquitto,aedes',
      '--scenarios',
      'ordinary,rates',
      '--duration',
      '0.5',
      '--warmup',
      '0',
      '--runs',
      '1',
    ];
    const proc = runNode('apps/cli/dist/robust-bench.js', args);
    const { code } = await proc.exited;
    const output = proc.output();
    expect(code, output).toBe(0);
    expect(output).toContain('aedes: aedes 1.x');
    expect(output).toMatch(/\| MQTT\.js QoS 1, 4 pub → 1 sub \| [\d,]+ \| [\d,]+ \|/);
    // each publisher in a process of its own (the default): the subscriber's and the publishers' CPU are their own
    expect(output).toContain('Each publisher runs in a process of its own');
    expect(output).toMatch(
      /\| subscriber CPU mosquitto \| subscriber CPU aedes \| publishers CPU mosquitto \|/,
    );
    expect(output).toMatch(
      /MQTT\.js QoS 0, 4 pub → 1 sub · run 1\/1: [\d,]+ msg\/s delivered, .*\(subscriber \d+ %, publishers \d+ %\)/,
    );
    expect(output).toContain('### Latency at a fixed rate (QoS 1 at 50,000 msg/s');
    expect(output).toMatch(/\| p99\.9 ms \| [\d.]+ \| [\d.]+ \|/);
    expect(output).toMatch(/\| lost \| 0 \| 0 \|/);
    // a loaded machine: 8 brokers started, 4 publisher processes forked per 4-publisher case
  }, 150_000);

  it('warms the fan-in up before its window: the window counts what it delivers, the warm-up is checked for loss too', async () => {
    const json = join(dir, 'fanin.json');
    const args = [
      'mqtt',
      '--brokers',
      'mosquitto',
      '--scenarios',
      'fanin',
      '--duration',
      '1',
      '--warmup',
      '1',
      '--runs',
      '1',
      '--json',
      json,
    ];
    // 100 publishers (550 msg/s offered) and 1 subscriber
    const proc = runNode('apps/cli/dist/robust-bench.js', args, {
      env: { ROBUST_BENCH_SCALE_CLIENTS: '0.01' },
    });
    const { code } = await proc.exited;
    const output = proc.output();
    expect(code, output).toBe(0);
    expect(output).toContain('(1 s of publishing after 1 s warm-up, median of 1 runs)');
    const [record] = (JSON.parse(readFileSync(json, 'utf8')) as { records: RunRecord[] }).records;
    expect(record!.outcome, JSON.stringify(record!.outcome)).toMatchObject({ status: 'ok' });
    if (record!.outcome.status !== 'ok') return;
    const m = record!.outcome.value;
    // about 550 messages each second, every one of them delivered; the window counts only its own deliveries
    expect(m.warmupSent).toBeGreaterThan(200);
    expect(m.warmupDelivered).toBeGreaterThan(0);
    expect(m.sent - m.warmupSent!).toBeGreaterThan(200);
    expect(m.notDelivered).toBe(0);
    expect(m.delivered).toBe(m.sent - m.warmupDelivered!);
  }, 60_000);

  it('runs the ordinary clients in one process when asked, and only the cases named', async () => {
    const args = [
      'mqtt',
      '--brokers',
      'mosquitto',
      '--scenarios',
      'ordinary',
      '--cases',
      'ordinary-qos0-4pub',
    ];
    const proc = runNode('apps/cli/dist/robust-bench.js', [
      ...args,
      ...['--ordinary-processes', 'one', '--duration', '0.5', '--warmup', '0', '--runs', '1'],
    ]);
    const { code } = await proc.exited;
    const output = proc.output();
    expect(code, output).toBe(0);
    expect(output).toContain('All clients share one load process');
    expect(output).toMatch(/\| MQTT\.js QoS 0, 4 pub → 1 sub \| [\d,]+ \|/);
    expect(output).not.toContain('MQTT.js QoS 1');
    expect(output).not.toContain('subscriber CPU');

    const wrong = runNode('apps/cli/dist/robust-bench.js', [...args.slice(0, -1), 'ordinary-qos9-1pub']);
    expect((await wrong.exited).code).toBe(1);
    expect(wrong.output()).toContain('their cases: ordinary-qos0-1pub, ordinary-qos0-4pub');
  }, 60_000);
});
