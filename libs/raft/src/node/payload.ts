// What a RaftNode puts inside log entries and snapshots: application bytes, plus the member address book it
// replicates alongside (the core's conf-change entries carry ids only).
import { invariant } from '../invariant.js';
import type { NodeId } from '../types.js';

/** Member id → gRPC address. */
export type AddressBook = Map<NodeId, string>;

const TAG_APP = 0;
const TAG_MEMBERS = 1;
const TAG_APP_BATCH = 2;

/**
 * A normal entry is an application command, several commands proposed together (one log entry, so one message
 * and one append per follower for all of them), or an address-book update; the leader's empty no-op is none.
 */
export type EntryPayload =
  | { kind: 'app'; data: Uint8Array }
  | { kind: 'batch'; items: Uint8Array[] }
  | { kind: 'members'; members: AddressBook }
  | { kind: 'noop' };

export function encodeAppPayload(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.byteLength + 1);
  out[0] = TAG_APP;
  out.set(data, 1);
  return out;
}

/** Several application commands in one entry: [tag][u32 length][bytes]... */
export function encodeAppBatchPayload(items: readonly Uint8Array[]): Uint8Array {
  let size = 1;
  for (const item of items) size += 4 + item.byteLength;
  const out = Buffer.allocUnsafe(size);
  out[0] = TAG_APP_BATCH;
  let offset = 1;
  for (const item of items) {
    out.writeUInt32BE(item.byteLength, offset);
    out.set(item, offset + 4);
    offset += 4 + item.byteLength;
  }
  return out;
}

function decodeBatch(data: Uint8Array): Uint8Array[] {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const items: Uint8Array[] = [];
  let offset = 1;
  while (offset < buf.length) {
    invariant(offset + 4 <= buf.length, () => 'batched raft entry: truncated item header');
    const n = buf.readUInt32BE(offset);
    invariant(
      offset + 4 + n <= buf.length,
      () => `batched raft entry: item of ${n} bytes overruns the entry`,
    );
    items.push(data.subarray(offset + 4, offset + 4 + n));
    offset += 4 + n;
  }
  return items;
}

export function encodeMembersPayload(members: AddressBook): Uint8Array {
  const json = Buffer.from(JSON.stringify([...members]));
  const out = new Uint8Array(json.length + 1);
  out[0] = TAG_MEMBERS;
  out.set(json, 1);
  return out;
}

export function decodeEntryPayload(data: Uint8Array): EntryPayload {
  if (data.byteLength === 0) return { kind: 'noop' };
  if (data[0] === TAG_APP) return { kind: 'app', data: data.subarray(1) };
  if (data[0] === TAG_APP_BATCH) return { kind: 'batch', items: decodeBatch(data) };
  invariant(data[0] === TAG_MEMBERS, () => `raft entry payload has unknown tag ${data[0]}`);
  return { kind: 'members', members: parseBook(data.subarray(1)) };
}

function parseBook(json: Uint8Array): AddressBook {
  const raw = JSON.parse(
    Buffer.from(json.buffer, json.byteOffset, json.byteLength).toString('utf8'),
  ) as unknown;
  invariant(
    Array.isArray(raw) &&
      raw.every((p) => Array.isArray(p) && typeof p[0] === 'number' && typeof p[1] === 'string'),
    () => 'malformed member address book',
  );
  return new Map(raw as [NodeId, string][]);
}

/**
 * Snapshot data: [u32 book length][book JSON][application image]; an image in parts is copied once, here. The
 * snapshot is taken beside a Raft loop: a large image (tens of megabytes: its copy and the first touch of every page
 * of the new buffer) is copied `stepBytes` at a time, the event loop turning in between, so the thread goes on
 * answering heartbeats and appends meanwhile.
 */
export async function encodeSnapshotPayload(
  members: AddressBook,
  appData: Uint8Array | readonly Uint8Array[],
  stepBytes = 1024 * 1024,
): Promise<Uint8Array> {
  const parts = appData instanceof Uint8Array ? [appData] : appData;
  const json = Buffer.from(JSON.stringify([...members]));
  let size = 4 + json.length;
  for (const p of parts) size += p.byteLength;
  const out = Buffer.allocUnsafe(size);
  out.writeUInt32BE(json.length, 0);
  json.copy(out, 4);
  let offset = 4 + json.length;
  let sinceTurn = 0;
  for (const p of parts) {
    for (let from = 0; from < p.byteLength;) {
      const n = Math.min(p.byteLength - from, stepBytes - sinceTurn);
      out.set(from === 0 && n === p.byteLength ? p : p.subarray(from, from + n), offset);
      offset += n;
      from += n;
      sinceTurn += n;
      if (sinceTurn >= stepBytes) {
        sinceTurn = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
  }
  return out;
}

export function decodeSnapshotPayload(data: Uint8Array): { members: AddressBook; appData: Uint8Array } {
  invariant(
    data.byteLength >= 4,
    () => `snapshot data is ${data.byteLength} bytes, too short for its header`,
  );
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const n = buf.readUInt32BE(0);
  invariant(4 + n <= buf.length, () => `snapshot address book (${n} bytes) overruns the data`);
  return { members: parseBook(buf.subarray(4, 4 + n)), appData: buf.subarray(4 + n) };
}
