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

// JSON with Buffers as base64: commands are small metadata records, and a readable log helps debugging.
export function encodeCommand(command: PlacementCommand): Buffer {
  return encodeJson(command);
}

export function decodeCommand(data: Uint8Array): PlacementCommand {
  return decodeJson(data) as PlacementCommand;
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
