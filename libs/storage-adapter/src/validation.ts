// Argument checks shared by every adapter, so each one rejects the same bad input with the same code and message.
import type {
  AppendOptions,
  AppendRecord,
  IndexReadOptions,
  ReadOptions,
  RecordHeader,
  ResolvedShardOptions,
  ShardOptions,
} from './storage-adapter.js';
import type { RecordFields } from '@robustmq/protocol/journal';
import { StorageError } from './storage-error.js';

export const DEFAULT_MAX_RECORDS_PER_SEGMENT = 10_000;
export const DEFAULT_READ_MAX_RECORDS = 100;
export const DEFAULT_READ_MAX_BYTES = 1024 * 1024;
/** setTimeout's limit; a longer long poll would fire at once. */
export const MAX_WAIT_MS = 2 ** 31 - 1;
/** names, keys and tags are stored with a 16-bit length prefix. */
const MAX_NAME_BYTES = 255;
const MAX_STRING_BYTES = 0xffff;

function invalid(message: string): StorageError {
  return new StorageError('INVALID_ARGUMENT', message);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return 'a Uint8Array';
  return typeof value === 'string' ? `'${value}'` : typeof value;
}

// Control characters would make names unreadable in logs and admin output.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function checkName(kind: string, name: unknown): string {
  if (typeof name !== 'string' || name.length === 0) {
    throw invalid(`${kind} name must be a non-empty string, got ${describe(name)}`);
  }
  if (Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES) {
    throw invalid(`${kind} name '${name.slice(0, 40)}…' is longer than ${MAX_NAME_BYTES} UTF-8 bytes`);
  }
  if (CONTROL.test(name)) throw invalid(`${kind} name ${JSON.stringify(name)} contains control characters`);
  return name;
}

export function checkShardName(name: unknown): string {
  return checkName('shard', name);
}

export function checkGroupName(group: unknown): string {
  return checkName('consumer group', group);
}

function checkString(what: string, value: unknown, allowEmpty: boolean): string {
  if (typeof value !== 'string') throw invalid(`${what} must be a string, got ${describe(value)}`);
  if (!allowEmpty && value.length === 0) throw invalid(`${what} must not be empty`);
  if (Buffer.byteLength(value, 'utf8') > MAX_STRING_BYTES) {
    throw invalid(`${what} is longer than ${MAX_STRING_BYTES} UTF-8 bytes`);
  }
  return value;
}

export function checkKey(key: unknown): string {
  return checkString('key', key, false);
}

export function checkTag(tag: unknown): string {
  return checkString('tag', tag, false);
}

/** a non-negative safe integer: offsets and timestamps. */
export function checkNonNegativeInteger(what: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalid(
      `${what} must be a non-negative integer, got ${describe(value)}${typeof value === 'number' ? ` ${value}` : ''}`,
    );
  }
  return value;
}

function checkPositiveInteger(what: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw invalid(
      `${what} must be a positive integer, got ${describe(value)}${typeof value === 'number' ? ` ${value}` : ''}`,
    );
  }
  return value;
}

export function resolveShardOptions(options: ShardOptions | undefined): ResolvedShardOptions {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw invalid(`shard options must be an object, got ${describe(options)}`);
  }
  const resolved: ResolvedShardOptions = {
    maxRecordsPerSegment: checkPositiveInteger(
      'maxRecordsPerSegment',
      options?.maxRecordsPerSegment,
      DEFAULT_MAX_RECORDS_PER_SEGMENT,
    ),
  };
  if (options?.retentionMs !== undefined)
    resolved.retentionMs = checkPositiveInteger('retentionMs', options.retentionMs, 0);
  return resolved;
}

export interface ResolvedReadOptions {
  maxRecords: number;
  maxBytes: number;
  waitMs: number;
}

export function resolveReadOptions(options: ReadOptions | undefined): ResolvedReadOptions {
  const waitMs = options?.waitMs ?? 0;
  if (typeof waitMs !== 'number' || !Number.isFinite(waitMs) || waitMs < 0 || waitMs > MAX_WAIT_MS) {
    throw invalid(
      `waitMs must be a number of milliseconds in [0, ${MAX_WAIT_MS}], got ${describe(waitMs)} ${String(waitMs)}`,
    );
  }
  return {
    maxRecords: checkPositiveInteger('maxRecords', options?.maxRecords, DEFAULT_READ_MAX_RECORDS),
    maxBytes: checkPositiveInteger('maxBytes', options?.maxBytes, DEFAULT_READ_MAX_BYTES),
    waitMs,
  };
}

export interface ResolvedIndexReadOptions {
  fromOffset: number;
  maxRecords: number;
}

export function resolveIndexReadOptions(options: IndexReadOptions | undefined): ResolvedIndexReadOptions {
  return {
    fromOffset:
      options?.fromOffset === undefined ? 0 : checkNonNegativeInteger('fromOffset', options.fromOffset),
    maxRecords: checkPositiveInteger('maxRecords', options?.maxRecords, DEFAULT_READ_MAX_RECORDS),
  };
}

/** shared by every record without tags or headers (most of them): nothing downstream mutates these */
const NO_TAGS = Object.freeze([]) as unknown as string[];
const NO_HEADERS = Object.freeze([]) as unknown as RecordHeader[];

function normalizeHeaders(index: number, headers: AppendRecord['headers']): RecordHeader[] {
  if (headers === undefined) return NO_HEADERS;
  const where = (): string => `records[${index}].headers`;
  if (Array.isArray(headers)) {
    if (headers.length === 0) return NO_HEADERS;
    if (headers.length > 0xffff) throw invalid(`${where()} has ${headers.length} entries; at most 65535`);
    const pairs = new Array<RecordHeader>(headers.length);
    for (let i = 0; i < headers.length; i++) {
      const h: unknown = headers[i];
      if (typeof h !== 'object' || h === null)
        throw invalid(`${where()}[${i}] must be { name, value }, got ${describe(h)}`);
      const { name, value } = h as Partial<RecordHeader>;
      pairs[i] = {
        name: checkStringLazy(() => `${where()}[${i}].name`, name, false),
        value: checkStringLazy(() => `${where()}[${i}].value`, value, true),
      };
    }
    return pairs;
  }
  if (typeof headers === 'object' && headers !== null) {
    const pairs: RecordHeader[] = [];
    for (const [name, value] of Object.entries(headers)) {
      pairs.push({
        name: checkString(`${where()} name`, name, false),
        value: checkString(`${where()}.${name}`, value, true),
      });
    }
    if (pairs.length > 0xffff) throw invalid(`${where()} has ${pairs.length} entries; at most 65535`);
    return pairs;
  }
  throw invalid(
    `${where()} must be an array of { name, value } or an object of strings, got ${describe(headers)}`,
  );
}

/** checkString with the name built only for the error: the append path checks every record and must not pay for
 * a string per field. */
function checkStringLazy(what: () => string, value: unknown, allowEmpty: boolean): string {
  // a string of at most MAX/3 UTF-16 units is at most MAX UTF-8 bytes: no need to count them
  if (typeof value === 'string' && (allowEmpty || value.length > 0) && value.length <= MAX_STRING_BYTES / 3)
    return value;
  return checkString(what(), value, allowEmpty);
}

/**
 * checks a batch for append() and returns the records with defaults filled in. Non-empty tags and headers arrays are
 * copies (empty ones are one shared array); the payload is not (adapters encode it before append() returns, which
 * is the copy that counts).
 */
export function normalizeRecords(records: unknown, now: number): RecordFields[] {
  if (!Array.isArray(records)) throw invalid(`records must be an array, got ${describe(records)}`);
  if (records.length === 0) {
    throw invalid(
      'records must not be empty: an empty append is almost always a caller bug, so it is refused',
    );
  }
  const out = new Array<RecordFields>(records.length);
  for (let i = 0; i < records.length; i++) {
    const r: unknown = records[i];
    if (typeof r !== 'object' || r === null)
      throw invalid(`records[${i}] must be an object, got ${describe(r)}`);
    const rec = r as AppendRecord;
    if (!Buffer.isBuffer(rec.payload)) {
      throw invalid(
        `records[${i}].payload must be a Buffer, got ${describe(rec.payload)}; wrap strings with Buffer.from()`,
      );
    }
    const tags = rec.tags ?? NO_TAGS;
    if (!Array.isArray(tags))
      throw invalid(`records[${i}].tags must be an array of strings, got ${describe(tags)}`);
    if (tags.length > 0xffff) throw invalid(`records[${i}].tags has ${tags.length} entries; at most 65535`);
    const timestamp = rec.timestamp;
    const fields: RecordFields = {
      tags:
        tags.length === 0
          ? NO_TAGS
          : tags.map((t: unknown, j) => checkString(`records[${i}].tags[${j}]`, t, false)),
      timestamp:
        timestamp === undefined
          ? now
          : Number.isSafeInteger(timestamp) && timestamp >= 0
            ? timestamp
            : checkNonNegativeInteger(`records[${i}].timestamp`, timestamp),
      headers: normalizeHeaders(i, rec.headers),
      payload: rec.payload,
    };
    if (rec.key !== undefined) fields.key = checkStringLazy(() => `records[${i}].key`, rec.key, false);
    out[i] = fields;
  }
  return out;
}

/** AppendOptions.expectedOffset checked for its type, and against the shard's end when `end` is known here: returns
 * the expected offset, or -1 for none. */
export function checkExpectedOffset(
  shard: string,
  options: AppendOptions | undefined,
  end: number | undefined,
): number {
  const expected = options?.expectedOffset;
  if (expected === undefined) return -1;
  checkNonNegativeInteger('expectedOffset', expected);
  if (end !== undefined && expected !== end) throw offsetMismatch(shard, expected, end);
  return expected;
}

export function offsetMismatch(shard: string, expected: number, end: number): StorageError {
  return new StorageError(
    'OFFSET_MISMATCH',
    `shard '${shard}' ends at offset ${end}, the append expected ${expected}; nothing was written`,
  );
}
