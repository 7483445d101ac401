// The producer stamp of an idempotent journal append (Kafka's producer id + sequence, KIP-98): the first record of an
// Append request carries, as its first record header, who sent it and which of that sender's requests to the shard it
// is. The stamp lives in the record, so it is in the segment file and in every replica's copy: a follower learns it by
// replicating the log and a new leader rebuilds its table of producers from the log it recovered — no separate state
// to replicate. A journal server that predates stamps stores it as an ordinary header (the append is then not
// deduplicated); readers of the journal StorageAdapter never see it (stripProducerStamp).
//
//   header name  "robustmq.producer"
//   value        "<producerId>:<sequence>:<floor>:<count>" (decimal)
//     producerId  allocated once per adapter incarnation (a placement revision: unique cluster-wide)
//     sequence    the request's number among the producer's requests to the shard (a retry keeps it)
//     floor       the producer's lowest sequence to the shard still unanswered when it sent this: every lower one has
//                 its answer, so the leader may forget it, and refuses a late copy of it (OUT_OF_ORDER_SEQUENCE)
//     count       records in the request (the leader writes a stamped request whole or not at all)
import type { DecodedRecord, RecordHeader } from './record-codec.js';

export const PRODUCER_STAMP_HEADER = 'robustmq.producer';
const NAME = Buffer.from(PRODUCER_STAMP_HEADER, 'utf8');

export interface ProducerStamp {
  producerId: number;
  sequence: number;
  floor: number;
  count: number;
}

export function formatProducerStamp(s: ProducerStamp): RecordHeader {
  return { name: PRODUCER_STAMP_HEADER, value: `${s.producerId}:${s.sequence}:${s.floor}:${s.count}` };
}

/** the stamp in a header value; undefined when it is not four non-negative safe integers with floor <= sequence
 * and count >= 1. */
export function parseProducerStamp(value: string): ProducerStamp | undefined {
  const parts = value.split(':');
  if (parts.length !== 4) return undefined;
  const n = parts.map((p) => (/^\d{1,16}$/.test(p) ? Number(p) : -1));
  if (n.some((x) => !Number.isSafeInteger(x) || x < 0)) return undefined;
  const [producerId, sequence, floor, count] = n as [number, number, number, number];
  if (floor > sequence || count < 1) return undefined;
  return { producerId, sequence, floor, count };
}

/**
 * the stamp of the encoded record at buf[start, end) (record-codec.ts layout, already checked): undefined when its
 * first header is not a stamp, 'bad' when it is one that does not parse. The common record (no key, tags or headers)
 * costs three byte reads.
 */
export function readProducerStampAt(
  buf: Buffer,
  start: number,
  end: number,
): ProducerStamp | 'bad' | undefined {
  const flags = buf[start + 21]!;
  if (
    (flags & 1) === 0 &&
    (buf[start + 22]! | buf[start + 23]!) === 0 &&
    (buf[start + 24]! | buf[start + 25]!) === 0
  )
    return undefined;
  let pos = start + 22;
  if (flags & 1) pos += 4 + buf.readUInt32BE(pos);
  const tags = buf.readUInt16BE(pos);
  pos += 2;
  for (let i = 0; i < tags; i++) pos += 2 + buf.readUInt16BE(pos);
  if (buf.readUInt16BE(pos) === 0) return undefined;
  pos += 2;
  const nameLength = buf.readUInt16BE(pos);
  pos += 2;
  if (
    nameLength !== NAME.length ||
    pos + nameLength > end ||
    buf.compare(NAME, 0, NAME.length, pos, pos + nameLength) !== 0
  )
    return undefined;
  pos += nameLength;
  const valueLength = buf.readUInt32BE(pos);
  pos += 4;
  if (pos + valueLength > end) return 'bad';
  return parseProducerStamp(buf.toString('utf8', pos, pos + valueLength)) ?? 'bad';
}

/** a decoded record without its producer stamp (what a reader stored, not how it was sent). */
export function stripProducerStamp(record: DecodedRecord): DecodedRecord {
  const first = record.headers[0];
  if (first === undefined || first.name !== PRODUCER_STAMP_HEADER) return record;
  return { ...record, headers: record.headers.slice(1) };
}
