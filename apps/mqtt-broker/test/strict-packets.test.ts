// Every malformed or out-of-order packet answered exactly as the MQTT spec says, and every valid one accepted. The
// cases are data: testdata/strict-packets.txt holds the hand-written ones (bytes in → answer out, one a line), and
// the property cases are generated from the spec's property table (libs/protocol properties.ts): each property in
// each packet a client sends, allowed or not, duplicated, truncated. Each case runs on a connection of its own to a
// real broker over raw TCP; the run prints, per kind, how many cases were answered right.
//
// Against another broker (to compare, or to measure a build without the checks):
//   STRICT_TARGET_PORT=1884 STRICT_REPORT_ONLY=1 npx vitest run apps/mqtt-broker/test/strict-packets.test.ts
import { readFileSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import {
  MQTT5_PROPERTIES,
  type IConnackPacket,
  type IDisconnectPacket,
  type MqttVersion,
  type Packet,
  type PropertyContext,
} from '@robustmq/protocol';
import { RawClient, testScope } from '@robustmq/testing';
import { startTestBroker, type TestBroker } from '@robustmq/testing/broker';

interface Case {
  line: string;
  kind: string;
  version: MqttVersion;
  given: 'connected' | 'none' | 'qos1' | 'qos2' | 'qos2-released';
  packets: string[];
  expect: string;
}

// ---- the notation of testdata/strict-packets.txt ----------------------------------------------------------------

function tokenize(text: string): string[] {
  return text.match(/"[^"]*"|\S+/g) ?? [];
}

/** Assembles the bytes of one packet from its tokens (see the header of the testdata file). */
function assemble(tokens: string[], vars: { cid: string; id: number }): Buffer {
  let pos = 0;
  const group = (closer: string | undefined): Buffer => {
    const parts: Buffer[] = [];
    while (pos < tokens.length) {
      const token = tokens[pos++]!;
      if (token === closer) return Buffer.concat(parts);
      if (token === '[') {
        const inner = group(']');
        parts.push(varint(inner.length), inner);
      } else if (token === 's(') {
        const inner = group(')');
        parts.push(u16(inner.length), inner);
      } else if (token.startsWith('"')) {
        const text = Buffer.from(token.slice(1, -1), 'utf8');
        parts.push(u16(text.length), text);
      } else if (token === '$cid') {
        parts.push(u16(Buffer.byteLength(vars.cid)), Buffer.from(vars.cid));
      } else if (token === '$id') {
        parts.push(u16(vars.id));
      } else if (/^([0-9a-f]{2})+$/i.test(token)) {
        parts.push(Buffer.from(token, 'hex'));
      } else throw new Error(`bad token ${token}`);
    }
    if (closer) throw new Error(`missing ${closer}`);
    return Buffer.concat(parts);
  };
  return group(undefined);
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function varint(n: number): Buffer {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Buffer.from(out);
}

function parseCase(line: string): Case {
  const m = /^(\w+)\s+v([345])\s*(?:@([\w-]+))?\s*:\s*(.+?)\s*=>\s*(.+)$/.exec(line);
  if (!m) throw new Error(`bad case line: ${line}`);
  return {
    line,
    kind: m[1]!,
    version: Number(m[2]) as MqttVersion,
    given: (m[3] ?? 'connected') as Case['given'],
    packets: m[4]!.split('|').map((p) => p.trim()),
    expect: m[5]!.trim(),
  };
}

// ---- the generated cases: each property of Table 2-4 in each packet a client sends ------------------------------

/** A valid value of each property, as tokens. */
const VALUES: Record<number, string> = {
  0x01: '01',
  0x02: '0000003c',
  0x03: '"text/plain"',
  0x08: '"r/t"',
  0x09: 's( 0102 )',
  0x0b: '01',
  0x11: '00000000', // 0: a DISCONNECT may not raise a zero expiry (MQTT-3.14.2-2)
  0x12: '"a"',
  0x13: '000a',
  0x15: '"m"',
  0x16: 's( 01 )',
  0x17: '01',
  0x18: '00000000',
  0x19: '00',
  0x1a: '"i"',
  0x1c: '"srv"',
  0x1f: '"why"',
  0x21: '000a',
  0x22: '000a',
  0x23: '0001',
  0x24: '01',
  0x25: '01',
  0x26: '"k" "v"',
  0x27: '00100000',
  0x28: '01',
  0x29: '01',
  0x2a: '01',
};

/** Each client packet with a property list: where the list goes (P), and the answer when the list is valid. */
const CARRIERS: {
  context: PropertyContext;
  given: Case['given'];
  packet: string;
  ok: string;
  bad: (rc: string) => string;
}[] = [
  {
    context: 'connect',
    given: 'none',
    packet: '10 [ "MQTT" 05 02 003c P $cid ]',
    ok: 'connack 00',
    bad: (rc) => `connack ${rc}`,
  },
  {
    context: 'will',
    given: 'none',
    packet: '10 [ "MQTT" 05 06 003c 00 $cid P "w/t" "m" ]',
    ok: 'connack 00',
    bad: (rc) => `connack ${rc}`,
  },
  {
    context: 'publish',
    given: 'connected',
    packet: '30 [ "strict/p" P 6d ]',
    ok: 'ok',
    bad: (rc) => `disconnect ${rc}`,
  },
  {
    context: 'puback',
    given: 'connected',
    packet: '40 [ 0001 00 P ]',
    ok: 'ok',
    bad: (rc) => `disconnect ${rc}`,
  },
  {
    context: 'pubrec',
    given: 'connected',
    packet: '50 [ 0001 00 P ]',
    ok: 'ok pubrel 92',
    bad: (rc) => `disconnect ${rc}`,
  },
  {
    context: 'pubrel',
    given: 'connected',
    packet: '62 [ 0001 00 P ]',
    ok: 'ok pubcomp 92',
    bad: (rc) => `disconnect ${rc}`,
  },
  {
    context: 'pubcomp',
    given: 'connected',
    packet: '70 [ 0001 00 P ]',
    ok: 'ok',
    bad: (rc) => `disconnect ${rc}`,
  },
  {
    context: 'subscribe',
    given: 'connected',
    packet: '82 [ 0001 P "strict/s" 00 ]',
    ok: 'ok suback',
    bad: (rc) => `disconnect ${rc}`,
  },
  {
    context: 'unsubscribe',
    given: 'connected',
    packet: 'a2 [ 0001 P "strict/s" ]',
    ok: 'ok unsuback',
    bad: (rc) => `disconnect ${rc}`,
  },
  // a client's DISCONNECT ends the connection: a valid one is followed by the broker closing without a word
  {
    context: 'disconnect',
    given: 'connected',
    packet: 'e0 [ 00 P ]',
    ok: 'close',
    bad: (rc) => `disconnect ${rc}`,
  },
  // no enhanced authentication is offered, so even a valid AUTH is a protocol error (§4.12)
  {
    context: 'auth',
    given: 'connected',
    packet: 'f0 [ 00 P ]',
    ok: 'disconnect 82',
    bad: (rc) => `disconnect ${rc}`,
  },
];

/** What a valid property in a valid place is answered with, where the broker's own rules come in. */
function allowedAnswer(context: PropertyContext, id: number, ok: string): string {
  if (context === 'publish' && id === 0x0b) return 'disconnect 82'; // MQTT-3.3.4-6
  if (context === 'connect' && id === 0x15) return 'connack 8c'; // no enhanced authentication method offered
  if (context === 'connect' && id === 0x16) return 'connack 82'; // Authentication Data without Method (§3.1.2.11.10)
  return ok;
}

function generatedCases(): Case[] {
  const cases: Case[] = [];
  const add = (given: Case['given'], packet: string, expect: string, note: string): void => {
    cases.push({
      line: `${note}: ${packet} => ${expect}`,
      kind: 'property',
      version: 5,
      given,
      packets: [packet],
      expect,
    });
  };
  for (const carrier of CARRIERS) {
    for (const property of MQTT5_PROPERTIES) {
      const id = property.id.toString(16).padStart(2, '0');
      const one = `${id} ${VALUES[property.id]!}`;
      const name = `${property.name} in ${carrier.context}`;
      const with_ = (props: string): string => carrier.packet.replace('P', props);
      if (!property.in.includes(carrier.context)) {
        add(carrier.given, with_(`[ ${one} ]`), carrier.bad('81'), `${name} (not allowed)`);
        continue;
      }
      const answer = allowedAnswer(carrier.context, property.id, carrier.ok);
      add(carrier.given, with_(`[ ${one} ]`), answer, `${name} (allowed)`);
      add(
        carrier.given,
        with_(`[ ${one} ${one} ]`),
        property.repeatable ? answer : carrier.bad('82'),
        `${name} twice`,
      );
      // the Property Length stops one byte short of the value's end: the value runs past its list
      const bytes = assemble(tokenize(one), { cid: 'x', id: 1 }).toString('hex');
      const cut = `${bytes.slice(0, -2)} ] ${bytes.slice(-2)}`;
      add(carrier.given, with_(`[ ${cut}`), carrier.bad('81'), `${name} truncated`);
    }
  }
  return cases;
}

// ---- running a case ------------------------------------------------------------------------------------------

const TARGET_PORT = process.env.STRICT_TARGET_PORT;
const REPORT_ONLY = process.env.STRICT_REPORT_ONLY === '1';
const scope = testScope();
let broker: TestBroker | undefined;
let port: number;
let seq = 0;

beforeAll(async () => {
  if (TARGET_PORT) {
    port = Number(TARGET_PORT); // a broker on 127.0.0.1 started by hand
    return;
  }
  broker = scope.add(
    await startTestBroker({ connect_timeout_ms: 2_000, topic_alias_max: 10 }, { storage: 'memory' }),
  );
  port = broker.handle.ports.mqtt;
});

const WAIT_MS = 2_000;

function connectBytes(version: MqttVersion, cid: string): Buffer {
  const name = version === 3 ? '"MQIsdp"' : '"MQTT"';
  return assemble(tokenize(`10 [ ${name} 0${version} 02 003c ${version === 5 ? '00' : ''} $cid ]`), {
    cid,
    id: 0,
  });
}

function code(packet: Packet): number | undefined {
  const p = packet as { reasonCode?: number; returnCode?: number };
  return p.reasonCode ?? p.returnCode;
}

function describe(packets: Packet[]): string {
  return (
    packets.map((p) => `${p.cmd}${code(p) !== undefined ? ` ${code(p)!.toString(16)}` : ''}`).join(', ') ||
    'nothing'
  );
}

/** Runs one case; returns undefined when the broker answered as expected, else what it did instead. */
async function runCase(c: Case): Promise<string | undefined> {
  const n = ++seq;
  const cid = `strict-${process.pid}-${n}`;
  const raw = await RawClient.open(port, c.version);
  raw.socket.setNoDelay(true);
  try {
    let id = 1;
    if (c.given !== 'none') {
      raw.socket.write(connectBytes(c.version, cid));
      const connack = (await raw.next('connack', WAIT_MS)) as IConnackPacket;
      if (code(connack) !== 0) return `setup: CONNACK ${code(connack)}`;
    }
    if (c.given.startsWith('qos')) {
      const qos = c.given === 'qos1' ? 1 : 2;
      const topic = `strict/inflight/${n}`;
      raw.socket.write(
        assemble(tokenize(`82 [ 0001 ${c.version === 5 ? '00' : ''} "${topic}" 02 ]`), { cid, id }),
      );
      await raw.next('suback', WAIT_MS);
      raw.socket.write(
        assemble(tokenize(`3${qos * 2} [ "${topic}" 0064 ${c.version === 5 ? '00' : ''} 6d ]`), { cid, id }),
      );
      const publish = await raw.next('publish', WAIT_MS);
      id = (publish as { messageId?: number }).messageId!;
      if (c.given === 'qos2-released') {
        raw.socket.write(Buffer.from([0x50, 0x02, id >> 8, id & 0xff]));
        await raw.next('pubrel', WAIT_MS);
      }
      raw.packets.length = 0; // the PUBACK/PUBREC of our own PUBLISH is not part of the case
    }
    for (const packet of c.packets) raw.socket.write(assemble(tokenize(packet), { cid, id }));
    return await checkAnswer(raw, c);
  } catch (err) {
    return `${(err as Error).message} (got ${describe(raw.packets)})`;
  } finally {
    raw.destroy();
  }
}

async function checkAnswer(raw: RawClient, c: Case): Promise<string | undefined> {
  const [what, rcText] = c.expect.split(/\s+/).slice(0, 2);
  const rc = rcText !== undefined && /^[0-9a-f]{2}$/.test(rcText) ? parseInt(rcText, 16) : undefined;
  if (what === 'disconnect') {
    const disconnect = (await raw.next('disconnect', WAIT_MS)) as IDisconnectPacket;
    if (disconnect.reasonCode !== rc) return `DISCONNECT ${disconnect.reasonCode?.toString(16)}`;
    return (await raw.closesWithin(WAIT_MS)) ? undefined : 'DISCONNECT but not closed';
  }
  if (what === 'connack') {
    const connack = (await raw.next('connack', WAIT_MS)) as IConnackPacket;
    if (code(connack) !== rc) return `CONNACK ${code(connack)?.toString(16)}`;
    if (rc! >= 0x80 && !(await raw.closesWithin(WAIT_MS))) return 'CONNACK but not closed';
    return undefined;
  }
  if (what === 'close') {
    if (!(await raw.closesWithin(WAIT_MS))) return `not closed (got ${describe(raw.packets)})`;
    const said = raw.packets.filter((p) => p.cmd !== 'publish');
    return said.length === 0 ? undefined : `closed after ${describe(said)}`;
  }
  // ok [reply [rc]]: the reply, then PINGRESP to a PINGREQ, and no DISCONNECT
  const expectedRc = c.expect.split(/\s+/)[2];
  if (rcText !== undefined) {
    const answer = await raw.next(rcText as Packet['cmd'], WAIT_MS);
    if (expectedRc !== undefined && (code(answer) ?? 0) !== parseInt(expectedRc, 16)) {
      return `${rcText} ${code(answer)?.toString(16)}`;
    }
  }
  raw.socket.write(Buffer.from([0xc0, 0x00]));
  await raw.next('pingresp', WAIT_MS);
  const disconnect = raw.packets.find((p) => p.cmd === 'disconnect');
  return disconnect ? `DISCONNECT ${code(disconnect)?.toString(16)}` : undefined;
}

async function runAll(cases: Case[], concurrency: number): Promise<(string | undefined)[]> {
  const results: (string | undefined)[] = new Array(cases.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < cases.length) {
        const i = next++;
        results[i] = await runCase(cases[i]!);
      }
    }),
  );
  return results;
}

it('answers every malformed or out-of-order packet as the spec says, and accepts the valid ones', async () => {
  const text = readFileSync(new URL('./testdata/strict-packets.txt', import.meta.url), 'utf8');
  const written = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map(parseCase);
  const cases = [...written, ...generatedCases()];
  const results = await runAll(cases, 16);

  const byKind = new Map<string, { cases: number; failing: number; controls: number }>();
  const failures: string[] = [];
  cases.forEach((c, i) => {
    const row = byKind.get(c.kind) ?? { cases: 0, failing: 0, controls: 0 };
    row.cases++;
    if (c.expect.startsWith('ok') || c.expect === 'connack 00') row.controls++;
    if (results[i] !== undefined) {
      row.failing++;
      failures.push(`${c.line}\n    → ${results[i]}`);
    }
    byKind.set(c.kind, row);
  });
  const table = [...byKind].map(
    ([kind, r]) =>
      `${kind.padEnd(16)} ${String(r.failing).padStart(4)} / ${String(r.cases).padEnd(4)} (valid controls: ${r.controls})`,
  );
  console.log(`strict-packets: failing / cases per kind\n${table.join('\n')}`);
  if (failures.length > 0) console.log(`failing cases:\n${failures.join('\n')}`);
  if (!REPORT_ONLY) expect(failures).toEqual([]);

  if (broker) {
    // every refusal is counted by kind; the broker's own rule (ack_kind) and the codec's alike
    const metrics = await (await fetch(`${broker.http}/metrics`)).text();
    for (const kind of [
      'property',
      'ack',
      'topic_filter',
      'utf8',
      'publish_header',
      'connect',
      'fixed_header',
      'ack_kind',
    ]) {
      const m = new RegExp(`mqtt_protocol_violations_total\\{kind="${kind}"[^}]*\\} (\\d+)`).exec(metrics);
      expect(Number(m?.[1] ?? 0), kind).toBeGreaterThan(0);
    }
  }
}, 120_000);
