// The placement center's write commands: every change to replicated state is one of these, encoded into a log
// entry, and applied by PlacementStateMachine in log order on every member. Keep them deterministic: no clocks,
// no randomness at apply time (timestamps travel inside the command).
import type { StoredNode } from './node-record.js';
import type { MqttCommand, MqttCommandResult } from './mqtt-commands.js';
import type { JournalCommand, JournalCommandResult } from './journal-commands.js';

export type PlacementCommand =
  | { type: 'kv.set'; key: string; value: Buffer; requestId?: string }
  | { type: 'kv.delete'; key: string; requestId?: string }
  | { type: 'kv.cas'; key: string; expectedModRevision: number; value: Buffer; requestId?: string }
  | { type: 'node.register'; node: StoredNode; requestId?: string }
  | {
      type: 'node.unregister';
      clusterType: string;
      clusterName: string;
      nodeId: number;
      reason: 'unregister' | 'expired';
      requestId?: string;
    }
  | MqttCommand
  | JournalCommand;

export interface KvMeta {
  createRevision: number;
  modRevision: number;
  version: number;
}

export type CommandResult =
  | { type: 'kv.set'; revision: number }
  | { type: 'kv.delete'; deleted: boolean; revision: number }
  | { type: 'kv.cas'; succeeded: boolean; revision: number; current?: { value: Buffer } & KvMeta }
  | { type: 'node.register' }
  | { type: 'node.unregister'; existed: boolean }
  | MqttCommandResult
  | JournalCommandResult;

export type ResultOf<C extends PlacementCommand> = Extract<CommandResult, { type: C['type'] }>;

// JSON with Buffers as base64: commands are small metadata records, and a readable log helps debugging. Members of
// every version read each other's log, so the bytes stay what JSON.stringify makes; the KV writes (by far the most
// frequent command, applied on every member) take a shortcut to and from exactly those bytes (see kvJson below).
export function encodeCommand(command: PlacementCommand): Buffer {
  return encodeKvJson(command) ?? encodeJson(command);
}

export function decodeCommand(data: Uint8Array): PlacementCommand {
  return decodeKvJson(data) ?? (decodeJson(data) as PlacementCommand);
}

// ---- kvJson: kv.set and kv.delete as the generic encoder writes them, without the generic walk ----
// encodeJson spends most of a small command's cost walking it for Buffers and JSON.parse most of the decode (a
// string of the whole entry, an object per level, then the walk again): 1.4 µs each way per command, on every member
// for every write. A kv.set or kv.delete whose key and request id JSON leaves as they are (printable ASCII without
// `"` or `\`) is written from a template and read by matching the same template byte for byte; anything else —
// another command, an escaped or non-ASCII string, a layout another encoder made — takes the generic path, so the
// shortcut only ever reads bytes the template made and the generic reader would read the same from them.

/** Strings JSON.stringify writes as they are: printable ASCII but `"` and `\`. */
const PLAIN_JSON_STRING = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

function encodeKvJson(c: PlacementCommand): Buffer | undefined {
  if (c.type !== 'kv.set' && c.type !== 'kv.delete') return undefined;
  if (!PLAIN_JSON_STRING.test(c.key)) return undefined;
  if (c.requestId !== undefined && !PLAIN_JSON_STRING.test(c.requestId)) return undefined;
  let json: string;
  if (c.type === 'kv.set') {
    if (!Buffer.isBuffer(c.value)) return undefined;
    json = `{"type":"kv.set","key":"${c.key}","value":{"$b64":"${c.value.toString('base64')}"}`;
  } else json = `{"type":"kv.delete","key":"${c.key}"`;
  json += c.requestId !== undefined ? `,"requestId":"${c.requestId}"}` : '}';
  return Buffer.from(json);
}

const SET_HEAD = Buffer.from('{"type":"kv.set","key":"');
const DELETE_HEAD = Buffer.from('{"type":"kv.delete","key":"');
const VALUE_HEAD = Buffer.from('","value":{"$b64":"');
const REQUEST_ID_HEAD = Buffer.from(',"requestId":"');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const CLOSE = 0x7d; // }

function matchesAt(data: Uint8Array, at: number, literal: Buffer): boolean {
  if (at + literal.length > data.length) return false;
  for (let i = 0; i < literal.length; i++) if (data[at + i] !== literal[i]) return false;
  return true;
}

/** Where the JSON string body starting at `at` ends (its closing quote), or -1 if it holds an escape. */
function plainStringEnd(data: Uint8Array, at: number): number {
  for (let i = at; i < data.length; i++) {
    if (data[i] === QUOTE) return i;
    if (data[i] === BACKSLASH) return -1;
  }
  return -1;
}

function decodeKvJson(data: Uint8Array): PlacementCommand | undefined {
  const set = matchesAt(data, 0, SET_HEAD);
  if (!set && !matchesAt(data, 0, DELETE_HEAD)) return undefined;
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let at = set ? SET_HEAD.length : DELETE_HEAD.length;
  const keyEnd = plainStringEnd(buf, at);
  if (keyEnd < 0) return undefined;
  const key = buf.toString('utf8', at, keyEnd);
  at = keyEnd;
  let value: Buffer | undefined;
  if (set) {
    if (!matchesAt(buf, at, VALUE_HEAD)) return undefined;
    at += VALUE_HEAD.length;
    const end = plainStringEnd(buf, at);
    if (end < 0 || buf[end + 1] !== CLOSE) return undefined;
    value = Buffer.from(buf.toString('latin1', at, end), 'base64');
    at = end + 2;
  } else at++;
  let requestId: string | undefined;
  if (matchesAt(buf, at, REQUEST_ID_HEAD)) {
    at += REQUEST_ID_HEAD.length;
    const end = plainStringEnd(buf, at);
    if (end < 0) return undefined;
    requestId = buf.toString('utf8', at, end);
    at = end + 1;
  }
  if (at !== buf.length - 1 || buf[at] !== CLOSE) return undefined;
  const command: Extract<PlacementCommand, { type: 'kv.set' | 'kv.delete' }> = value
    ? { type: 'kv.set', key, value }
    : { type: 'kv.delete', key };
  if (requestId !== undefined) command.requestId = requestId;
  return command;
}

/**
 * JSON with Buffers as `{$b64}`; used for commands and for the results remembered for retried requests. The Buffers
 * are swapped out before JSON.stringify instead of by a replacer: a replacer runs for every key, and Buffer's toJSON
 * first spells the bytes out as an array of numbers — most of a small command's encoding cost, paid on every write.
 */
export function encodeJson(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(withBase64(value)));
}

export function decodeJson(data: Uint8Array): unknown {
  return withBuffers(JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8')));
}

/** `value` with every Buffer inside replaced by `{$b64}`; objects and arrays are copied only along such paths. */
function withBase64(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Buffer.isBuffer(value)) return { $b64: value.toString('base64') };
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const w = withBase64(v);
      if (w !== v) (out ??= [...value])[i] = w;
    }
    return out ?? value;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    const w = withBase64(v);
    if (w !== v) setOwn((out ??= { ...(value as Record<string, unknown>) }), key, w);
  }
  return out ?? value;
}

/** Turns every `{$b64}` object of freshly parsed JSON back into a Buffer (in place). */
function withBuffers(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (typeof (value as { $b64?: unknown }).$b64 === 'string')
    return Buffer.from((value as { $b64: string }).$b64, 'base64');
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = withBuffers(value[i]);
    return value;
  }
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    const w = withBuffers(v);
    if (w !== v) setOwn(value as Record<string, unknown>, key, w);
  }
  return value;
}

/** A plain own property, even for a key named __proto__ (an assignment would change the prototype instead). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__')
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}
