// The state machine's on-disk record layouts: the binary records (KV entry, history event, remembered result, one
// request-id list per log index) and the JSON layout older members wrote. A member upgraded in place must read its
// old state, answer retries remembered in the old layout, and forget old request ids on schedule.
import { describe, expect, it, vi } from 'vitest';
import { tempDir, testScope } from '@robustmq/testing';
import { RocksDbEngine } from '@robustmq/common';
import { PlacementStateMachine } from '../src/state/state-machine.js';
import {
  decodeCommand,
  decodeJson,
  encodeCommand,
  encodeJson,
  type PlacementCommand,
} from '../src/state/commands.js';
import {
  KEY,
  be64,
  decodeEvent,
  decodeKvEntry,
  decodeResult,
  encodeEvent,
  encodeKvEntry,
  encodeRequestIds,
  encodeResult,
  historyKey,
  requestIdsOfIndexKey,
  dedupIndexKey,
} from '../src/state/records.js';

const scope = testScope('each');
async function openEngine() {
  return RocksDbEngine.open(tempDir('layout', scope));
}

const set = (key: string, value: string, requestId?: string) => ({
  type: 'kv.set' as const,
  key,
  value: Buffer.from(value),
  ...(requestId ? { requestId } : {}),
});

describe('record layouts', () => {
  it('round-trips binary KV entries, history events and KV results, including large revisions and empty values', () => {
    const big = 2 ** 40 + 7; // above 32 bits, so both halves of the 64-bit fields are exercised
    const entry = { value: Buffer.from([0, 255, 1]), createRevision: big, modRevision: big + 1, version: 3 };
    expect(decodeKvEntry('k', encodeKvEntry(entry))).toEqual({ key: 'k', ...entry });
    expect(decodeKvEntry('k', encodeKvEntry({ ...entry, value: Buffer.alloc(0) })).value.length).toBe(0);

    const put = {
      type: 'put' as const,
      kv: { key: 'ключ/1', value: Buffer.from('v'), createRevision: 1, modRevision: big, version: 2 },
    };
    expect(decodeEvent(encodeEvent(put))).toEqual(put);
    const del = {
      type: 'delete' as const,
      kv: { key: 'x', value: Buffer.alloc(0), createRevision: 4, modRevision: 9, version: 0 },
    };
    expect(decodeEvent(encodeEvent(del))).toEqual(del);

    for (const result of [
      { type: 'kv.set' as const, revision: big },
      { type: 'kv.delete' as const, deleted: false, revision: 12 },
      { type: 'kv.delete' as const, deleted: true, revision: 13 },
      { type: 'kv.cas' as const, succeeded: true, revision: 14 },
      {
        type: 'kv.cas' as const,
        succeeded: false,
        revision: 15,
        current: { value: Buffer.from('now'), createRevision: 1, modRevision: 15, version: 4 },
      },
      { type: 'node.unregister' as const, existed: true },
    ]) {
      expect(decodeResult(encodeResult(result))).toEqual(result);
    }
    // only KV results get the compact form; the rest stay JSON, which the decoder tells apart by the first byte
    expect(encodeResult({ type: 'kv.set', revision: 1 }).length).toBe(10);
    expect(encodeResult({ type: 'node.register' }).toString()).toBe('{"type":"node.register"}');

    const ids = ['c1:1', 'c2:ü', ''.padEnd(128, 'x')];
    expect(requestIdsOfIndexKey(dedupIndexKey(7), encodeRequestIds(ids))).toEqual(ids);
  });

  it("encodes commands byte for byte as older members did, so members of both versions read each other's log", () => {
    // the layout written by the JSON.stringify replacer this encoder replaced
    expect(
      encodeCommand({ type: 'kv.set', key: 'k', value: Buffer.from([0, 1, 255]), requestId: 'r' }).toString(),
    ).toBe('{"type":"kv.set","key":"k","value":{"$b64":"AAH/"},"requestId":"r"}');
    const nested = {
      type: 'x',
      list: [Buffer.from('a'), { p: Buffer.from('b'), n: null, u: undefined }, 'text', 5],
      deep: { d: { b: Buffer.alloc(0) } },
    };
    const encoded = encodeJson(nested);
    expect(encoded.toString()).toBe(
      '{"type":"x","list":[{"$b64":"YQ=="},{"p":{"$b64":"Yg=="},"n":null},"text",5],"deep":{"d":{"b":{"$b64":""}}}}',
    );
    expect(decodeJson(encoded)).toEqual({
      type: 'x',
      list: [Buffer.from('a'), { p: Buffer.from('b'), n: null }, 'text', 5],
      deep: { d: { b: Buffer.alloc(0) } },
    });
    // a user-supplied map key named __proto__ stays a plain key both ways and changes no prototype
    const labels = JSON.parse('{"__proto__":{"polluted":"yes"},"zone":"a"}') as Record<string, unknown>;
    const node = {
      clusterType: 'MQTT_BROKER',
      clusterName: 'c',
      nodeId: 1,
      host: 'h',
      ports: {},
      labels: labels as Record<string, string>,
      registeredAtMs: 1,
    };
    const decoded = decodeCommand(encodeCommand({ type: 'node.register', node })) as {
      node: { labels: Record<string, unknown> };
    };
    expect(Object.keys(decoded.node.labels)).toEqual(['__proto__', 'zone']);
    expect(Object.getPrototypeOf(decoded.node.labels)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('writes and reads KV commands through the shortcut byte for byte as the generic JSON path, without JSON.parse', () => {
    const commands: PlacementCommand[] = [
      { type: 'kv.set', key: 'bench/k1', value: Buffer.alloc(100, 'v'), requestId: 'c-1:42' },
      { type: 'kv.set', key: 'k', value: Buffer.alloc(0) },
      { type: 'kv.set', key: 'k', value: Buffer.from([0, 1, 255]), requestId: '' },
      { type: 'kv.delete', key: 'a/b c', requestId: 'r' },
      { type: 'kv.delete', key: 'x' },
      // strings JSON escapes or keeps as non-ASCII: the generic path writes them, both paths read them
      { type: 'kv.set', key: 'quo"te', value: Buffer.from('v') },
      { type: 'kv.set', key: 'back\\slash', value: Buffer.from('v'), requestId: 'tab\t' },
      { type: 'kv.delete', key: 'ünï ☃ \u2028', requestId: 'id-é' },
      { type: 'kv.delete', key: 'ctl\u0001\u007f' },
      { type: 'kv.cas', key: 'k', expectedModRevision: 7, value: Buffer.from('v'), requestId: 'r' },
    ];
    // random keys and ids over the characters that matter (quote, backslash, control, DEL, non-ASCII, lone surrogate)
    const chars = [
      'a',
      'Z',
      '/',
      ' ',
      '"',
      '\\',
      '\n',
      '\u0000',
      '\u007f',
      'é',
      '☃',
      '\ud800',
      '{',
      '}',
      ':',
      ',',
    ];
    let seed = 19;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const text = () => Array.from({ length: next(12) }, () => chars[next(chars.length)]).join('');
    for (let i = 0; i < 1_000; i++) {
      const requestId = next(3) === 0 ? undefined : text();
      commands.push(
        next(2) === 0
          ? {
              type: 'kv.set',
              key: text(),
              value: Buffer.from(text()),
              ...(requestId === undefined ? {} : { requestId }),
            }
          : { type: 'kv.delete', key: text(), ...(requestId === undefined ? {} : { requestId }) },
      );
    }
    for (const command of commands) {
      const bytes = encodeCommand(command);
      expect(bytes.equals(encodeJson(command))).toBe(true);
      expect(decodeCommand(bytes)).toEqual(decodeJson(bytes));
      expect(decodeCommand(bytes)).toEqual(command);
    }
    // the same commands laid out by another encoder (spaces, another key order, escapes, extra fields) or cut short:
    // the shortcut leaves them to the generic reader, which reads them or fails as before
    for (const json of [
      '{ "type": "kv.set", "key": "k", "value": {"$b64": "AAH/"}, "requestId": "r" }',
      '{"key":"k","type":"kv.set","value":{"$b64":"AAH/"}}',
      '{"type":"kv.set","key":"\\u0041b","value":{"$b64":"AA\\/"}}',
      '{"type":"kv.set","key":"k","value":{"$b64":"AAH/"},"requestId":"r","extra":1}',
      '{"type":"kv.delete","key":"k","requestId":"r\\"q"}',
      '{"type":"kv.delete","key":"k"}  ',
    ]) {
      expect(decodeCommand(Buffer.from(json))).toEqual(decodeJson(Buffer.from(json)));
    }
    expect(() => decodeCommand(Buffer.from('{"type":"kv.set","key":"k","value":{"$b64":"AAH/"}'))).toThrow(
      SyntaxError,
    );
    // the common case parses no JSON at all (each command was JSON.parse'd whole on every member before)
    const parse = vi.spyOn(JSON, 'parse');
    try {
      decodeCommand(encodeCommand({ type: 'kv.set', key: 'k', value: Buffer.from('v'), requestId: 'r' }));
      decodeCommand(encodeCommand({ type: 'kv.delete', key: 'k' }));
      expect(parse).not.toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
  });

  it('reads a data dir written in the older JSON layout, answers its retries and forgets its request ids on schedule', async () => {
    const engine = await openEngine();
    // what a member before the binary layout left on disk after applying `set a=old` (request id old:1) at index 1
    await engine.batch(
      [
        {
          type: 'put',
          key: KEY.kv + 'a',
          value: Buffer.from(JSON.stringify({ v: Buffer.from('old').toString('base64'), c: 1, m: 1, n: 1 })),
        },
        {
          type: 'put',
          key: historyKey(1),
          value: Buffer.from(
            JSON.stringify({ t: 'put', k: 'a', v: Buffer.from('old').toString('base64'), c: 1, m: 1, n: 1 }),
          ),
        },
        { type: 'put', key: KEY.dedup + 'old:1', value: encodeJson({ type: 'kv.set', revision: 1 }) },
        {
          type: 'put',
          key: Buffer.concat([Buffer.from(KEY.dedupIndex), be64(1), Buffer.from('/old:1')]),
          value: Buffer.alloc(0),
        },
        { type: 'put', key: KEY.applied, value: be64(1) },
        { type: 'put', key: KEY.revision, value: be64(1) },
      ],
      { sync: true },
    );
    const sm = await PlacementStateMachine.open(engine, { sync: true });
    expect(sm.appliedIndex).toBe(1);
    expect(await sm.kvGet('a')).toEqual({
      key: 'a',
      value: Buffer.from('old'),
      createRevision: 1,
      modRevision: 1,
      version: 1,
    });
    expect(await sm.rememberedResult('old:1')).toEqual({ type: 'kv.set', revision: 1 });

    // a retry of the old write is answered from the old record, not applied again
    expect(await sm.applyBatch([{ index: 2, command: set('a', 'again', 'old:1') }])).toEqual([
      { type: 'kv.set', revision: 1 },
    ]);
    expect((await sm.kvGet('a'))!.value.toString()).toBe('old');

    // a new write over the old record keeps its create revision and counts its version on; two ids share index 3
    expect(
      await sm.applyBatch([
        { index: 3, command: set('a', 'new', 'new:1') },
        { index: 3, command: set('b', 'b', 'new:2') },
      ]),
    ).toEqual([
      { type: 'kv.set', revision: 2 },
      { type: 'kv.set', revision: 3 },
    ]);
    expect(await sm.kvGet('a')).toEqual({
      key: 'a',
      value: Buffer.from('new'),
      createRevision: 1,
      modRevision: 2,
      version: 2,
    });
    const listed = await sm.kvList('', '', 10);
    expect(listed.items.map((kv) => [kv.key, kv.value.toString(), kv.version])).toEqual([
      ['a', 'new', 2],
      ['b', 'b', 1],
    ]);

    // history mixes both layouts and reads in revision order
    const history = [];
    for await (const event of sm.history(1, 3))
      history.push([event.type, event.kv.key, event.kv.value.toString(), event.kv.modRevision]);
    expect(history).toEqual([
      ['put', 'a', 'old', 1],
      ['put', 'a', 'new', 2],
      ['put', 'b', 'b', 3],
    ]);

    // one more id further on, then reach the first forgetting point whose window starts after index 3
    await sm.applyBatch([{ index: 1_500, command: set('c', 'c', 'keep:1') }]);
    await sm.applyBatch([{ index: 101_000, command: set('d', 'd') }]);
    expect(await sm.rememberedResult('old:1')).toBeUndefined();
    expect(await sm.rememberedResult('new:1')).toBeUndefined();
    expect(await sm.rememberedResult('new:2')).toBeUndefined();
    expect(await sm.rememberedResult('keep:1')).toEqual({ type: 'kv.set', revision: 4 });
    const indexKeys = [];
    for await (const [key] of engine.scan({ prefix: KEY.dedupIndex })) indexKeys.push(key);
    expect(indexKeys).toEqual([dedupIndexKey(1_500)]);
    // forgetting an id only drops the memory of the retry: the data stays
    expect((await sm.kvGet('b'))!.value.toString()).toBe('b');
  });

  it('restarts on the binary layout with the same state', async () => {
    const engine = await openEngine();
    const sm = await PlacementStateMachine.open(engine, { sync: true });
    await sm.applyBatch([
      { index: 1, command: set('k', 'v1', 'r:1') },
      { index: 2, command: { type: 'kv.delete', key: 'k', requestId: 'r:2' } },
    ]);
    const again = await PlacementStateMachine.open(engine, { sync: true });
    expect(again.currentRevision).toBe(2);
    expect(await again.kvGet('k')).toBeUndefined();
    expect(await again.rememberedResult('r:2')).toEqual({ type: 'kv.delete', deleted: true, revision: 2 });
    const history = [];
    for await (const event of again.history(1, 2))
      history.push([event.type, event.kv.key, event.kv.value.toString()]);
    expect(history).toEqual([
      ['put', 'k', 'v1'],
      ['delete', 'k', ''],
    ]);
  });
});
