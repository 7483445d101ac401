// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of Kafka record batches v2: it covers the batch
// from its attributes to its end. Slicing-by-8 in JavaScript (no maintained native binding is needed for the few MB/s
// a broker checks per core).
import { crcSliced, slicingTables } from '../checksum/slicing-by-8.js';

const TABLES = slicingTables(0x82f63b78);

/** CRC-32C of buf[start, end). */
export function crc32c(buf: Buffer, start = 0, end = buf.length): number {
  return crcSliced(TABLES, buf, start, end);
}
