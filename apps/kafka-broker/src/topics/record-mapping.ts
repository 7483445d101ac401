// How a Kafka record becomes a storage record and back. The common record — a UTF-8 key or none, a value, UTF-8
// header values — is stored field by field (key → key, so the journal's key index finds it; headers → headers;
// value → payload; timestamp → timestamp), which is also how any other writer of the journal (the MQTT side) can make
// records a Kafka consumer reads. A record those fields cannot hold exactly (a key or header value that is not
// UTF-8 or longer than 64 KiB, an empty key or header name, a null value or header value) is stored whole in the payload, tagged RAW_TAG.
import {
  decodeRecordBody,
  encodeRecordBody,
  type KafkaRecord,
  type KafkaRecordHeader,
} from '@robustmq/protocol/kafka';
import type { AppendRecord, StoredRecord } from '@robustmq/storage-adapter';

export const RAW_TAG = 'kafka:raw';

/** the storage's limit on one key, header name or value. */
const MAX_STRING_BYTES = 0xffff;

function utf8Exact(b: Buffer): string | undefined {
  if (b.length > MAX_STRING_BYTES) return undefined;
  const s = b.toString('utf8');
  return Buffer.byteLength(s) === b.length && Buffer.from(s, 'utf8').equals(b) ? s : undefined;
}

export function toAppendRecord(
  rec: { key: Buffer | null; value: Buffer | null; headers: KafkaRecordHeader[] },
  timestamp: number,
): AppendRecord {
  let plain = rec.value !== null && (rec.key === null || rec.key.length > 0);
  const key = rec.key === null ? undefined : plain ? utf8Exact(rec.key) : undefined;
  if (rec.key !== null && key === undefined) plain = false;
  const headers: { name: string; value: string }[] = [];
  if (plain) {
    for (const h of rec.headers) {
      if (h.key.length === 0 || Buffer.byteLength(h.key) > MAX_STRING_BYTES) {
        plain = false;
        break;
      }
      const value = h.value === null ? undefined : utf8Exact(h.value);
      if (value === undefined) {
        plain = false;
        break;
      }
      headers.push({ name: h.key, value });
    }
  }
  if (plain) return { ...(key !== undefined ? { key } : {}), timestamp, headers, payload: rec.value! };
  return { tags: [RAW_TAG], timestamp, payload: encodeRecordBody(rec) };
}

export function toKafkaRecord(stored: StoredRecord): KafkaRecord {
  if (stored.tags.includes(RAW_TAG)) return decodeRecordBody(stored.payload, stored.offset, stored.timestamp);
  return {
    offset: stored.offset,
    timestamp: stored.timestamp,
    key: stored.key === undefined ? null : Buffer.from(stored.key, 'utf8'),
    value: stored.payload,
    headers: stored.headers.map((h) => ({ key: h.name, value: Buffer.from(h.value, 'utf8') })),
  };
}
