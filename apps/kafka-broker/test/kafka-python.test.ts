// Debian python3-kafka (kafka-python 2) against a real Kafka broker, placement center and journal server started by
// the test: it infers the broker's version from ApiVersions, creates a topic with its admin client, produces (plain
// and gzip), consumes from the earliest offset and from a timestamp without a group, and logs in with SASL/PLAIN
// (handshake v0 and a bare token), right and wrong password.
import { describe, expect, it } from 'vitest';
import { kafkaPython, kafkaPythonSaslProduce, useKafkaWithSasl } from '@robustmq/testing/kafka';

// a second cluster name on the same placement and journal: its own topics and broker list, SASL required
const kafka = useKafkaWithSasl('bob', 'pa55');

const PRODUCE_CONSUME = `
import sys, json, time
from kafka import KafkaProducer, KafkaConsumer, TopicPartition
from kafka.admin import KafkaAdminClient, NewTopic
bootstrap = sys.argv[1]
admin = KafkaAdminClient(bootstrap_servers=bootstrap)
admin.create_topics([NewTopic('py-topic', num_partitions=2, replication_factor=1)])
producer = KafkaProducer(bootstrap_servers=bootstrap, acks='all', compression_type='gzip', linger_ms=20)
for i in range(100):
    producer.send('py-topic', key=('k%d' % i).encode(), value=('v%d' % i).encode(), partition=i % 2, headers=[('h', b'x')])
producer.flush()
middle = int(time.time() * 1000)
time.sleep(0.05)
plain = KafkaProducer(bootstrap_servers=bootstrap, acks=1)
meta = plain.send('py-topic', value=b'late', partition=0).get(timeout=10)
plain.close()
consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, auto_offset_reset='earliest', consumer_timeout_ms=3000, enable_auto_commit=False)
tp0, tp1 = TopicPartition('py-topic', 0), TopicPartition('py-topic', 1)
consumer.assign([tp0, tp1])
got = [(m.partition, m.offset, m.key.decode() if m.key else None, m.value.decode(), [(k, v.decode()) for k, v in m.headers]) for m in consumer]
by_time = consumer.offsets_for_times({tp0: middle})
ends = consumer.end_offsets([tp0, tp1])
print(json.dumps({'api': list(producer.config['api_version']), 'late': meta.offset, 'got': got, 'byTime': by_time[tp0].offset, 'ends': [ends[tp0], ends[tp1]]}))
`;

describe('kafka-python', () => {
  it('creates, produces (gzip) and consumes from earliest and by timestamp, without a consumer group', async () => {
    const out = JSON.parse(await kafkaPython(PRODUCE_CONSUME, kafka.broker.bootstrap)) as {
      api: number[];
      late: number;
      got: [number, number, string | null, string, [string, string][]][];
      byTime: number;
      ends: number[];
    };
    // from ApiVersions it takes us for a Kafka 2.4+ broker and picks its newest request versions
    expect(out.api).toEqual([2, 4, 0]);
    expect(out.got).toHaveLength(101);
    const p0 = out.got.filter((m) => m[0] === 0);
    expect(p0.slice(0, 3)).toEqual([
      [0, 0, 'k0', 'v0', [['h', 'x']]],
      [0, 1, 'k2', 'v2', [['h', 'x']]],
      [0, 2, 'k4', 'v4', [['h', 'x']]],
    ]);
    expect(p0[50]).toEqual([0, 50, null, 'late', []]);
    expect(out.late).toBe(50);
    expect(out.byTime).toBe(50);
    expect(out.ends).toEqual([51, 50]);
  });

  it('SASL/PLAIN with handshake v0: right password produces, wrong one is refused', async () => {
    const python = (password: string) =>
      kafkaPythonSaslProduce(
        kafka.sasl.bootstrap,
        { mechanism: 'PLAIN', user: 'bob', password },
        'py-secure',
      );
    expect(await python('pa55')).toBe('ok');
    expect(await python('nope')).toMatch(/^refused/);
  });
});
