// Sequential CONNECT → CONNACK round trips of clean MQTT 3.1.1 sessions (MQTT.js, one at a time), as percentiles in ms:
// what a client waits for to be connected, the broker's per-CONNECT work (authentication, session look-ups) included.
// Usage (after `npm run build`, a broker running): node apps/cli/scripts/connect-latency.mjs <port> [count] [host]
import mqtt from 'mqtt';

const port = Number(process.argv[2]);
const count = Number(process.argv[3] ?? 300);
const host = process.argv[4] ?? '127.0.0.1';
if (!Number.isInteger(port) || port <= 0 || !Number.isInteger(count) || count <= 0) {
  process.stderr.write('usage: node apps/cli/scripts/connect-latency.mjs <port> [count] [host]\n');
  process.exit(2);
}
const times = [];
for (let i = 0; i < count; i++) {
  const started = process.hrtime.bigint();
  const client = await mqtt.connectAsync({
    host,
    port,
    clientId: `connect-latency-${i}`,
    clean: true,
    reconnectPeriod: 0,
    protocolVersion: 4,
  });
  times.push(Number(process.hrtime.bigint() - started) / 1e6);
  await client.endAsync(true);
}
times.sort((a, b) => a - b);
const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(2);
console.log(JSON.stringify({ connects: count, p50: at(0.5), p90: at(0.9), p99: at(0.99) }));
