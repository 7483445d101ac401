// What a RaftNode puts inside log entries and snapshots: application bytes, plus the member address book it
// replicates alongside (the core's conf-change entries carry ids only).
import { invariant } from '../invariant.js';
import type { NodeId } from '../types.js';

/** Member id → gRPC address. */
export type AddressBook = Map<NodeId, string>;

const TAG_APP = 0;
const TAG_MEMBERS = 1;

/** A normal entry is an application command or an address-book update; the leader's empty no-op is neither. */
export type EntryPayload =
  { kind: 'app'; data: Uint8Array } | { kind: 'members'; members: AddressBook } | { kind: 'noop' };

export function encodeAppPayload(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.byteLength + 1);
  out[0] = TAG_APP;
  out.set(data, 1);
  return out;
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

/** Snapshot data: [u32 book length][book JSON][application image]. */
export function encodeSnapshotPayload(members: AddressBook, appData: Uint8Array): Uint8Array {
  const json = Buffer.from(JSON.stringify([...members]));
  const out = Buffer.allocUnsafe(4 + json.length + appData.byteLength);
  out.writeUInt32BE(json.length, 0);
  json.copy(out, 4);
  out.set(appData, 4 + json.length);
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
