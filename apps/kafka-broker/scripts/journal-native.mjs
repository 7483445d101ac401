// The journal's native data port beside the Kafka protocol (issue #18 benchmark): appends --records 100-byte records
// to a fresh 3-replica shard (acks quorum, the Kafka broker's default for acks=all) of the SAME cluster the Kafka
// broker uses, from --producers concurrent producers in batches of --batch, then (--mode read, a second process) reads them back with one reader,
// so Kafka-protocol / native is a ratio taken on one cluster. Server CPU is measured by the caller (scripts/bench.sh).
//
//   node apps/kafka-broker/scripts/journal-native.mjs --placement 127.0.0.1:1228 --namespace native1 \
//     [--records 500000] [--batch 10000] [--producers 1] [--payload 100]
import { parseArgs } from 'node:util';
import { JournalStorageAdapter } from '@robustmq/storage-adapter';

const { values } = parseArgs({
  options: {
    placement: { type: 'string', default: '127.0.0.1:1228' },
    namespace: { type: 'string', default: 'native-bench' },
    records: { type: 'string', default: '500000' },
    batch: { type: 'string', default: '10000' },
    producers: { type: 'string', default: '1' },
    payload: { type: 'string', default: '100' },
    mode: { type: 'string', default: 'append' }, // append (to a new shard) | read (what append wrote)
  },
});
const RECORDS = Number(values.records);
const BATCH = Number(values.batch);
const PRODUCERS = Number(values.producers);
const adapter = new JournalStorageAdapter({
  placementAddresses: [values.placement],
  namespace: values.namespace,
  replicaCount: 3,
  acks: 'quorum',
});
if (values.mode === 'read') {
  // a separate process, so the caller's CPU readings split append from read
  const end = (await adapter.describeShard('bench')).nextOffset;
  const t = performance.now();
  let offset = 0;
  while (offset < end)
    offset += (await adapter.read('bench', offset, { maxRecords: 10_000, maxBytes: 8 << 20 })).length;
  console.log(`RESULT read ${end} records in ${((performance.now() - t) / 1000).toFixed(3)} s`);
  process.exit(0);
}
await adapter.createShard('bench', { maxRecordsPerSegment: 100_000 });
const payload = Buffer.alloc(Number(values.payload), 0x78);
const batch = Array.from({ length: BATCH }, () => ({ payload, timestamp: Date.now() }));
await adapter.append('bench', batch.slice(0, 1)); // warm-up: leader, connections

let issued = 0;
let t = performance.now();
await Promise.all(
  Array.from({ length: PRODUCERS }, async () => {
    while (issued < RECORDS) {
      const n = Math.min(BATCH, RECORDS - issued);
      issued += n;
      await adapter.append('bench', n === BATCH ? batch : batch.slice(0, n));
    }
  }),
);
console.log(`RESULT append ${RECORDS} records in ${((performance.now() - t) / 1000).toFixed(3)} s`);
process.exit(0);
