// What one idle connection costs, below the broker: RSS per held socket of (a) a bare Node `net` server that
// answers each CONNECT with a CONNACK and holds the socket (the floor any Node broker on net.Socket sits on) and
// (b) our broker (apps/mqtt-broker/dist/main.js, lone, rocksdb, as robust-bench starts it), with V8's heap spaces
// per connection beside it so RSS can be told apart from live heap, heap slack and native memory (issue 16).
//
//   node apps/mqtt-broker/scripts/idle-memory-probe.mjs bare|broker [connections=19000] [node flags...]
//   node apps/mqtt-broker/scripts/idle-memory-probe.mjs heap-bare|heap-broker [connections=5000] [node flags...]
//
// The server runs as its own process (with --expose-gc); clients (MQTT 3.1.1 CONNECT, keep-alive 600 s, 50
// handshakes at a time) come from load processes of 2,500 connections each. RSS and the heap figures are read 1 s
// and 10 s after the last CONNACK, then once more after three full GCs (what is live, without the connect burst's
// garbage), each minus the same before the first connection. The heap-* modes instead write a V8 heap snapshot
// (after full GCs) before the first connection and after the last, and print what is new in the second one, by
// kind of object, in bytes and objects per connection (snapshot ids are stable within a process, so "new" is
// exact): the itemisation of docs/benchmarks.md. `npm run build` first.
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import inspector from 'node:inspector';
import v8 from 'node:v8';

const self = fileURLToPath(import.meta.url);
const role = process.env.IDLE_PROBE_ROLE;

/** the server's side: reports process.memoryUsage() and V8's heap spaces when asked over IPC. */
function answerReports() {
  process.on('message', (message) => {
    if (typeof message === 'object' && message.sampling) {
      // the sampling heap profiler, counting also what a later full GC collects: the connect burst's garbage
      if (!globalThis.probeInspector) {
        globalThis.probeInspector = new inspector.Session();
        globalThis.probeInspector.connect();
      }
      const session = globalThis.probeInspector;
      if (message.sampling === 'start') {
        session.post('HeapProfiler.enable', () =>
          session.post(
            'HeapProfiler.startSampling',
            {
              samplingInterval: 512,
              includeObjectsCollectedByMajorGC: process.env.IDLE_PROBE_LIVE_ONLY === undefined,
              includeObjectsCollectedByMinorGC: false,
            },
            () => process.send({ sampling: 'started' }),
          ),
        );
      } else {
        for (let i = 0; i < 3; i++) globalThis.gc();
        session.post('HeapProfiler.stopSampling', (err, { profile }) => {
          writeFileSync(message.sampling, JSON.stringify(profile));
          process.send({ written: message.sampling });
        });
      }
      return;
    }
    if (typeof message === 'object' && message.snapshot) {
      for (let i = 0; i < 3; i++) globalThis.gc();
      v8.writeHeapSnapshot(message.snapshot);
      process.send({ written: message.snapshot });
      return;
    }
    if (message !== 'report' && message !== 'report-gc') return;
    if (message === 'report-gc') for (let i = 0; i < 3; i++) globalThis.gc();
    const spaces = Object.fromEntries(
      v8.getHeapSpaceStatistics().map((s) => [s.space_name, { size: s.space_size, used: s.space_used_size }]),
    );
    process.send({ memory: process.memoryUsage(), spaces });
  });
  process.channel?.unref();
}

if (role === 'bare') {
  answerReports();
  const CONNACK = Buffer.from([0x20, 2, 0, 0]);
  function onData() {
    if (this.answered) return;
    this.answered = true;
    this.write(CONNACK);
  }
  function ignore() {}
  // IDLE_PROBE_SERVER_OPTIONS='{"noDelay":false,…}': net.createServer's options, to weigh each one per socket
  const serverOptions = JSON.parse(process.env.IDLE_PROBE_SERVER_OPTIONS ?? '{"noDelay":true}');
  const server = net.createServer(serverOptions, (socket) => {
    socket.on('data', onData);
    socket.on('error', ignore);
    socket.on('close', ignore);
  });
  server.listen(Number(process.argv[2]), '127.0.0.1', () => process.send('ready'));
} else if (role === 'report') {
  // preloaded into the broker (--import): only the reports
  answerReports();
} else if (role === 'clients') {
  const [port, count, prefix] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4]];
  const connectPacket = (id) => {
    const idBytes = Buffer.from(id);
    const body = Buffer.concat([
      Buffer.from([0, 4, 77, 81, 84, 84, 4, 2, 600 >> 8, 600 & 255, 0, idBytes.length]),
      idBytes,
    ]);
    return Buffer.concat([Buffer.from([0x10, body.length]), body]);
  };
  const sockets = [];
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      await new Promise((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1', () => socket.write(connectPacket(`${prefix}-${i}`)));
        socket.once('data', resolve);
        socket.once('error', reject);
        socket.on('close', () => process.exit(1));
        sockets.push(socket);
      });
    }
  };
  await Promise.all(Array.from({ length: 50 }, lane));
  process.send('done');
  setInterval(() => {}, 1 << 30);
} else {
  const [mode = 'broker', connectionsArg, ...flags] = process.argv.slice(2);
  if (
    ![
      'bare',
      'broker',
      'heap-bare',
      'heap-broker',
      'alloc-bare',
      'alloc-broker',
      'settle-bare',
      'settle-broker',
    ].includes(mode)
  )
    throw new Error(
      'usage: idle-memory-probe.mjs bare|broker|heap-bare|heap-broker|alloc-bare|alloc-broker [connections] [node flags...]',
    );
  const heap = mode.startsWith('heap-');
  const alloc = mode.startsWith('alloc-');
  const settle = mode.startsWith('settle-');
  const server_ = mode.replace(/^(heap|alloc|settle)-/, '');
  const connections = Number(connectionsArg ?? (heap || alloc ? 5000 : 19000));
  // settle-* watches what the server does on its own: no gc() exists in it
  const nodeFlags = settle ? flags : ['--expose-gc', ...flags];
  // below the ephemeral range, so the clients' own ports never take it
  const port = 21000 + 2 * Math.floor(Math.random() * 5000);
  const rss = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const dir = mkdtempSync(join(tmpdir(), 'idle-probe-'));
  let server;
  if (server_ === 'bare') {
    server = fork(self, [String(port)], {
      execArgv: nodeFlags,
      env: { ...process.env, IDLE_PROBE_ROLE: 'bare' },
    });
    await new Promise((resolve) => server.once('message', resolve));
  } else {
    const main = join(dirname(self), '..', 'dist', 'main.js');
    writeFileSync(
      join(dir, 'broker.toml'),
      `[node]\ndata_dir = "${join(dir, 'data')}"\n[network]\nhost = "127.0.0.1"\ntcp_port = ${port}\nws_enabled = false\nhttp_port = ${port + 1}\nmax_sockets = 19500\n[storage]\ntype = "rocksdb"\n[placement]\nenabled = false\n[log]\nlevel = "error"\n`,
    );
    server = spawn(
      process.execPath,
      ['--import', self, ...nodeFlags, main, '--config', join(dir, 'broker.toml')],
      {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        env: { ...process.env, IDLE_PROBE_ROLE: 'report' },
      },
    );
    await sleep(3000);
  }
  const ask = (message) =>
    new Promise((resolve) => {
      server.once('message', resolve);
      server.send(message);
    });
  const snapshot = (name) => ask({ snapshot: join(dir, name) }).then(() => join(dir, name));
  // settle-*: the server first settles too (V8's memory reducer runs ~30–60 s after start-up), as the bench waits
  if (settle) await sleep(Number(process.env.IDLE_PROBE_BEFORE_SECONDS ?? 70) * 1000);
  const rssBefore = rss(server.pid);
  const before = heap ? await snapshot('before.heapsnapshot') : await ask('report');
  const beforeGc = heap || settle ? undefined : await ask('report-gc');
  if (alloc) await ask({ sampling: 'start' });
  const rssBeforeGc = rss(server.pid);
  const workers = [];
  for (let w = 0; w * 2500 < connections; w++) {
    workers.push(
      fork(self, [String(port), String(Math.min(2500, connections - w * 2500)), `idle-${w}`], {
        env: { ...process.env, IDLE_PROBE_ROLE: 'clients' },
      }),
    );
  }
  await Promise.all(workers.map((worker) => new Promise((resolve) => worker.once('message', resolve))));
  const per = (a, b) => Math.round((a - b) / connections);
  const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  if (settle) {
    // RSS and V8's spaces every second for a minute after the last CONNACK, nothing forced
    const started = Date.now();
    for (let s = 1; s <= Number(process.env.IDLE_PROBE_SECONDS ?? 60); s++) {
      await sleep(started + s * 1000 - Date.now());
      const after = await ask('report');
      const used = (name) => per(after.spaces[name].used, before.spaces[name].used);
      const size = (name) => per(after.spaces[name].size, before.spaces[name].size);
      const heapTotal = per(after.memory.heapTotal, before.memory.heapTotal);
      const rssNow = per(rss(server.pid), rssBefore);
      console.log(
        `${String(s).padStart(3)} s  rss ${rssNow}  old used ${used('old_space')} size ${size('old_space')}  ` +
          `large ${size('large_object_space')}  new size ${size('new_space')}  heapTotal ${heapTotal}  ` +
          `outside heap ${rssNow - heapTotal}`,
      );
    }
  } else if (alloc) {
    await sleep(1000);
    const path = join(dir, 'burst.heapprofile');
    await ask({ sampling: path });
    console.log(
      `${mode}, ${connections} connections: bytes allocated during the connect burst that survived into the old ` +
        'generation (live now, or collected by a full GC since), per connection, by allocating function',
    );
    printAllocations(path, connections);
  } else if (heap) {
    await sleep(1000);
    const after = await snapshot('after.heapsnapshot');
    console.log(
      `${mode}, ${connections} connections: objects new in the heap, per connection (after full GCs)`,
    );
    printNewObjects(before, after, connections);
  } else {
    const result = { mode, connections, nodeFlags: nodeFlags.join(' ') };
    const readings = [
      ['after 1 s', 1000, 'report', before, rssBefore],
      ['after 10 s', 9000, 'report', before, rssBefore],
      ['after full GC', 0, 'report-gc', beforeGc, rssBeforeGc],
    ];
    for (const [name, wait, message, base, baseRss] of readings) {
      await sleep(wait);
      const after = await ask(message);
      const spaces = {};
      for (const space of Object.keys(after.spaces)) {
        const size = per(after.spaces[space].size, base.spaces[space].size);
        const used = per(after.spaces[space].used, base.spaces[space].used);
        if (size !== 0 || used !== 0) spaces[space] = { size, used };
      }
      const rssPerConnection = per(rss(server.pid), baseRss);
      result[name] = {
        rssPerConnection,
        // V8 resizes the young generation by its own heuristics (16 MB semi-spaces grown or shrunk at a GC, ~1.7 KB
        // per connection at 19,000): without that change, RSS compares across runs
        rssWithoutNewSpaceResize: rssPerConnection - (spaces.new_space?.size ?? 0),
        heapUsedPerConnection: per(after.memory.heapUsed, base.memory.heapUsed),
        outsideHeapPerConnection: per(
          after.memory.rss - after.memory.heapTotal,
          base.memory.rss - base.memory.heapTotal,
        ),
        spaces,
      };
    }
    console.log(JSON.stringify(result, null, 2));
  }
  console.log(`load average: ${loadAverage()}`);
  for (const worker of workers) worker.kill();
  server.kill();
  await sleep(500);
  // IDLE_PROBE_KEEP=1 keeps the snapshots for a closer look (Chrome DevTools' Memory tab opens them)
  if (process.env.IDLE_PROBE_KEEP) console.log(`kept: ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}

/** Prints the objects of the second snapshot that the first did not have, grouped by kind, per connection. */
function printNewObjects(beforePath, afterPath, connections) {
  const idsBefore = new Set();
  {
    const { snapshot, nodes } = JSON.parse(readFileSync(beforePath, 'utf8'));
    const width = snapshot.meta.node_fields.length;
    const idAt = snapshot.meta.node_fields.indexOf('id');
    for (let i = 0; i < nodes.length; i += width) idsBefore.add(nodes[i + idAt]);
  }
  const { snapshot, nodes, strings } = JSON.parse(readFileSync(afterPath, 'utf8'));
  const fields = snapshot.meta.node_fields;
  const types = snapshot.meta.node_types[fields.indexOf('type')];
  const [typeAt, nameAt, idAt, sizeAt] = ['type', 'name', 'id', 'self_size'].map((f) => fields.indexOf(f));
  const groups = new Map();
  let total = 0;
  for (let i = 0; i < nodes.length; i += fields.length) {
    if (idsBefore.has(nodes[i + idAt])) continue;
    const type = types[nodes[i + typeAt]];
    let name = strings[nodes[i + nameAt]];
    // strings and numbers are grouped by type only; the rest by type and constructor (or internal) name
    if (/string|number|code/.test(type)) name = '';
    else if (name.length > 60) name = `${name.slice(0, 57)}...`;
    const key = `${type} ${name}`;
    const group = groups.get(key) ?? { count: 0, bytes: 0 };
    group.count++;
    group.bytes += nodes[i + sizeAt];
    total += nodes[i + sizeAt];
    groups.set(key, group);
  }
  const rows = [...groups]
    .filter(([, g]) => g.bytes / connections >= 2)
    .sort((a, b) => b[1].bytes - a[1].bytes);
  for (const [key, g] of rows)
    console.log(
      `${(g.bytes / connections).toFixed(1).padStart(8)} B  ${(g.count / connections).toFixed(2).padStart(6)} obj  ${key}`,
    );
  console.log(`${(total / connections).toFixed(1).padStart(8)} B  total new per connection`);
}

/** Prints a sampling heap profile (live + collected by full GCs) by allocating function, and by the nearest frame
 * of our own code (apps/, libs/) above it. */
function printAllocations(path, connections) {
  const { head } = JSON.parse(readFileSync(path, 'utf8'));
  const bySite = new Map();
  const byOurs = new Map();
  const walk = (node, ours) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const here = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(apps|libs|node_modules)\//, '$1/')}:${lineNumber + 1}`;
    const mine = /\/(apps|libs)\//.test(url) && !url.includes('node_modules') ? here : ours;
    const bytes = node.selfSize;
    if (bytes > 0) {
      bySite.set(here, (bySite.get(here) ?? 0) + bytes);
      byOurs.set(mine ?? '(no frame of ours)', (byOurs.get(mine ?? '(no frame of ours)') ?? 0) + bytes);
    }
    for (const child of node.children) walk(child, mine);
  };
  walk(head, undefined);
  for (const [title, map] of [
    ['by allocating function', bySite],
    ['by nearest frame of ours', byOurs],
  ]) {
    console.log(`-- ${title}`);
    const rows = [...map].sort((a, b) => b[1] - a[1]).slice(0, 25);
    for (const [site, bytes] of rows)
      console.log(`${(bytes / connections).toFixed(1).padStart(8)} B  ${site}`);
  }
}
