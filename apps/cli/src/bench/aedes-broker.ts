#!/usr/bin/env node
// The aedes comparison broker of `robust-bench mqtt`, as its own process so its CPU time is read apart from the load:
// aedes 1.x in memory (its default persistence and mqemitter), on the TCP port given as the first argument. aedes is
// what a Node MQTT broker usually is, so it is the yardstick for "Node, done the usual way".
import { createServer } from 'node:net';
import { Aedes } from 'aedes';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  process.stderr.write('usage: aedes-broker.js <port>\n');
  process.exit(2);
}
const aedes = await Aedes.createBroker();
const server = createServer((socket) => {
  socket.setNoDelay(true);
  aedes.handle(socket);
});
server.listen(port, '127.0.0.1');
const stop = (): void => {
  server.close();
  aedes.close(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
