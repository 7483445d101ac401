// Wire format of the simulated KV service's log entries: which client operation an entry carries.
import type { KvInput } from '../linearizability/kv-model.js';

/** One client operation as proposed to Raft; `opId` is unique in a simulation run. */
export interface KvRequest {
  readonly opId: number;
  readonly input: KvInput;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeKvRequest(r: KvRequest): Uint8Array {
  return encoder.encode(JSON.stringify(r));
}

export function decodeKvRequest(data: Uint8Array): KvRequest {
  return JSON.parse(decoder.decode(data)) as KvRequest;
}

export function encodeReadContext(opId: number): Uint8Array {
  return encoder.encode(`r${opId}`);
}
