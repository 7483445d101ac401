// How long a client with Nagle's algorithm on holds a small write while the server owes it a reply, with and without
// the server's quick ACKs (libs/common net/tcp-quick-ack.ts, the broker's [network] tcp_quick_ack).
// Loopback: the server answers every read `replyMs` later (a broker's PUBACK after a durable append); the client writes
// a 100-byte message every 0.5 ms (2,000/s); printed: the delay from each client write to the server's read of it.
//   node apps/mqtt-broker/scripts/nagle-hold.mjs [replyMs=3] [rounds=3]
import net from 'node:net';
import { quickAck, quickAckAvailable } from '@robustmq/common';

const replyMs = Number(process.argv[2] ?? 3);
const rounds = Number(process.argv[3] ?? 3);
if (!quickAckAvailable())
  console.log('(quickAck is not available here: the "server quick ACK" rows equal the others)');
let quick = false;
let delays = [];
const server = net.createServer({ noDelay: true }, (socket) => {
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    const now = performance.now();
    if (quick) quickAck(socket);
    pending = Buffer.concat([pending, chunk]);
    let n = 0;
    while (pending.length >= 100) {
      delays.push(now - pending.readDoubleLE(0));
      pending = pending.subarray(100);
      n++;
    }
    setTimeout(() => socket.write(Buffer.alloc(4 * n)), replyMs);
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address();
const pct = (values, q) => Float64Array.from(values).sort()[Math.floor(values.length * q)].toFixed(3);
console.log(`| round | client | server | p50 ms | p90 ms | p99 ms |`);
console.log(`| --- | --- | --- | --- | --- | --- |`);
for (let round = 1; round <= rounds; round++) {
  for (const [noDelay, withQuickAck] of [
    [false, false],
    [false, true],
    [true, false],
  ]) {
    quick = withQuickAck;
    const client = net.connect({ port, host: '127.0.0.1', noDelay });
    client.on('data', () => {});
    await new Promise((resolve) => client.once('connect', resolve));
    delays = [];
    const start = performance.now();
    for (let i = 0; i < 4000; i++) {
      const wait = start + i * 0.5 - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      const message = Buffer.alloc(100);
      message.writeDoubleLE(performance.now(), 0);
      client.write(message);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    console.log(
      `| ${round} | ${noDelay ? 'TCP_NODELAY' : 'Nagle (default)'} | ${withQuickAck ? 'quick ACK' : 'delayed ACK'} | ${pct(delays, 0.5)} | ${pct(delays, 0.9)} | ${pct(delays, 0.99)} |`,
    );
    client.destroy();
  }
}
server.close();
