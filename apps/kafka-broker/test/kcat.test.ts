// Debian kcat (librdkafka 2) against a real Kafka broker, placement center and journal server started by the test:
// metadata, produce with every compression codec librdkafka has, consume from the beginning and from the end, and
// SASL/PLAIN with the MQTT users of placement, right and wrong password.
import { spawn } from 'node:child_process';

import { describe, expect, it } from 'vitest';
import { waitFor } from '@robustmq/testing';
import {
  kcat,
  kcatSasl,
  kcatRead,
  lines,
  useKafkaWithSasl,
  type TestKafkaBroker,
} from '@robustmq/testing/kafka';

// a second cluster name on the same placement and journal: its own topics and broker list, SASL required
const kafka = useKafkaWithSasl('alice', 's3cret');

/** kcat against one of this file's brokers. */
const run = (target: TestKafkaBroker, args: string[], input?: string) => kcat(target.bootstrap, args, input);

describe('kcat (librdkafka)', () => {
  it('lists brokers and auto-created topics (kcat -L)', async () => {
    await run(kafka.broker, ['-P', '-t', 'auto', '-p', '0'], 'first\n');
    const stdout = await run(kafka.broker, ['-L', '-J']);
    const meta = JSON.parse(stdout) as {
      brokers: { id: number; name: string }[];
      topics: { topic: string; partitions: { partition: number; leader: number }[] }[];
    };
    expect(meta.brokers).toEqual([{ id: 1, name: kafka.broker.bootstrap }]);
    expect(meta.topics.find((t) => t.topic === 'auto')!.partitions).toEqual([
      expect.objectContaining({ partition: 0, leader: 1 }),
    ]);
  });

  it.each(['none', 'gzip', 'snappy', 'lz4', 'zstd'])(
    'produces %s batches with keys and reads them back from the beginning',
    async (codec) => {
      const topic = `codec-${codec}`;
      const input =
        Array.from({ length: 200 }, (_, i) => `key${i}:value-${i}-${'x'.repeat(i % 50)}`).join('\n') + '\n';
      await run(
        kafka.broker,
        ['-P', '-t', topic, '-p', '0', '-K', ':', '-z', codec, '-X', 'linger.ms=50'],
        input,
      );
      const got = await kcatRead(kafka.broker.bootstrap, topic, { format: '%o %k %s\n' });
      expect(got).toHaveLength(200);
      expect(got[0]).toBe('0 key0 value-0-');
      expect(got[199]).toBe(`199 key199 value-199-${'x'.repeat(49)}`);
    },
  );

  it('a consumer from the end sees only what is produced after it started', async () => {
    await run(kafka.broker, ['-P', '-t', 'tail', '-p', '0'], 'old-1\nold-2\n');
    const consumer = spawn('kcat', [
      '-b',
      kafka.broker.bootstrap,
      '-C',
      '-t',
      'tail',
      '-p',
      '0',
      '-o',
      'end',
      '-c',
      '2',
      '-q',
      '-f',
      '%o %s\n',
    ]);
    let out = '';
    consumer.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => consumer.on('close', resolve));
    try {
      // librdkafka has asked for the end offset once it is waiting in a long poll; give it a moment, then produce
      await new Promise((r) => setTimeout(r, 1500));
      await run(kafka.broker, ['-P', '-t', 'tail', '-p', '0'], 'new-1\nnew-2\n');
      await waitFor('kcat to print two records', async () => lines(out).length >= 2, { timeoutMs: 10_000 });
      expect(lines(out)).toEqual(['2 new-1', '3 new-2']);
      expect(await exited).toBe(0);
    } finally {
      consumer.kill();
    }
  });

  it('SASL/PLAIN: the MQTT user with the right password gets in, a wrong password is refused', async () => {
    const auth = (password: string) => kcatSasl('alice', password);
    await run(kafka.sasl, [...auth('s3cret'), '-P', '-t', 'secret', '-p', '0'], 'classified\n');
    expect(await kcatRead(kafka.sasl.bootstrap, 'secret', { args: auth('s3cret') })).toEqual(['classified']);
    const refused = await run(kafka.sasl, [...auth('wrong'), '-L', '-m', '2']).then(
      () => undefined,
      (err: { stderr: string }) => err.stderr,
    );
    expect(refused).toMatch(/Authentication failed|SASL authentication error/i);
    // without SASL at all the connection is closed before any metadata
    await expect(run(kafka.sasl, ['-L', '-m', '2'])).rejects.toThrow();
  });
});
