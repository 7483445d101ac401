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

/** JSON with Buffers as `{$b64}`; used for commands and for the results remembered for retried requests. */
export function encodeJson(value: unknown): Buffer {
  return Buffer.from(
    JSON.stringify(value, (_key, value: unknown) =>
      value &&
      typeof value === 'object' &&
      (value as { type?: string }).type === 'Buffer' &&
      Array.isArray((value as { data?: unknown }).data)
        ? { $b64: Buffer.from((value as { data: number[] }).data).toString('base64') }
        : value,
    ),
  );
}

export function decodeJson(data: Uint8Array): unknown {
  return JSON.parse(
    Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8'),
    (_key, value: unknown) =>
      value && typeof value === 'object' && typeof (value as { $b64?: unknown }).$b64 === 'string'
        ? Buffer.from((value as { $b64: string }).$b64, 'base64')
        : value,
  );
}
