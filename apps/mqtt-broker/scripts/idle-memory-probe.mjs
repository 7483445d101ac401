// What one idle connection costs, below the broker: RSS per held socket of (a) a bare Node `net` server that
// answers each CONNECT with a CONNACK and holds the socket (the floor any Node broker on net.Socket sits on) and
// (b) our broker (apps/mqtt-broker/dist/main.js, lone, rocksdb, as robust-bench starts it), with V8's heap spaces
// per connection beside it so RSS can be told apart from live heap, heap slack and native memory (issue 16).
//
//   node apps/mqtt-broker/scripts/idle-memory-probe.mjs bare|broker [connections=19000] [node flags...]
//
// The server runs as its own process; clients (MQTT 3.1.1 CONNECT, keep-alive 600 s, 50 handshakes at a time) come
// from load processes of 2,500 connections each. RSS and the heap figures are read 1 s and 10 s after the last
// CONNACK, minus the same before the first connection. `npm run build` first.
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';

const self = fileURLToPath(import.meta.url);
const role = process.env.IDLE_PROBE_ROLE;

/** the server's side: reports process.memoryUsage() and V8's heap spaces when asked over IPC. */
function answerReports() {
  process.on('message', (message) => {
    if (message !== 'report') return;
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
  const server = net.createServer({ noDelay: true }, (socket) => {
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
  const [mode = 'broker', connectionsArg = '19000', ...nodeFlags] = process.argv.slice(2);
  if (mode !== 'bare' && mode !== 'broker')
    throw new Error('usage: idle-memory-probe.mjs bare|broker [connections] [node flags...]');
  const connections = Number(connectionsArg);
  // below the ephemeral range, so the clients' own ports never take it
  const port = 21000 + 2 * Math.floor(Math.random() * 5000);
  const rss = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const dir = mkdtempSync(join(tmpdir(), 'idle-probe-'));
  let server;
  if (mode === 'bare') {
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
  const report = () =>
    new Promise((resolve) => {
      server.once('message', resolve);
      server.send('report');
    });
  const rssBefore = rss(server.pid);
  const before = await report();
  const workers = [];
  for (let w = 0; w * 2500 < connections; w++) {
    workers.push(
      fork(self, [String(port), String(Math.min(2500, connections - w * 2500)), `idle-${w}`], {
        env: { ...process.env, IDLE_PROBE_ROLE: 'clients' },
      }),
    );
  }
  await Promise.all(workers.map((worker) => new Promise((resolve) => worker.once('message', resolve))));
  const result = { mode, connections, nodeFlags: nodeFlags.join(' ') };
  for (const at of [1, 10]) {
    await sleep(at === 1 ? 1000 : 9000);
    const after = await report();
    const per = (a, b) => Math.round((a - b) / connections);
    const spaces = {};
    for (const name of Object.keys(after.spaces)) {
      const size = per(after.spaces[name].size, before.spaces[name].size);
      const used = per(after.spaces[name].used, before.spaces[name].used);
      if (size !== 0 || used !== 0) spaces[name] = { size, used };
    }
    result[`after ${at} s`] = {
      rssPerConnection: per(rss(server.pid), rssBefore),
      heapUsedPerConnection: per(after.memory.heapUsed, before.memory.heapUsed),
      outsideHeapPerConnection: per(
        after.memory.rss - after.memory.heapTotal,
        before.memory.rss - before.memory.heapTotal,
      ),
      spaces,
    };
  }
  console.log(JSON.stringify(result, null, 2));
  console.log(`load average: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  for (const worker of workers) worker.kill();
  server.kill();
  await sleep(500);
  rmSync(dir, { recursive: true, force: true });
}
