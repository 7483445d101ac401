// What the cluster token check costs per gRPC call (issue #19): a trivial unary method served three ways — no check,
// the grpc-js server interceptor every cluster server uses (clusterServerOptions), and the same check inside the
// handler — called by a client that always sends the token, 50 calls in flight. Prints the process's CPU per call
// (client and server together; the client's share is the same in all three) for interleaved rounds, and medians.
// Usage (after `npm run build`): node apps/placement-center/scripts/cluster-auth-cost.mjs [calls=30000] [rounds=5]
import { createHash, timingSafeEqual } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { clusterClientOptions, clusterServerOptions } from '@robustmq/protocol';

const calls = Number(process.argv[2] ?? 30_000);
const rounds = Number(process.argv[3] ?? 5);
const TOKEN = 'cluster-auth-cost-token';
const same = (b) => b;
const definition = {
  Echo: {
    path: '/bench.Bench/Echo',
    requestStream: false,
    responseStream: false,
    requestSerialize: same,
    requestDeserialize: same,
    responseSerialize: same,
    responseDeserialize: same,
  },
};
const expected = createHash('sha256').update(`Bearer ${TOKEN}`).digest();
const handlers = (check) => ({
  Echo(call, callback) {
    if (check) {
      const [presented] = call.metadata.get('authorization');
      const ok =
        typeof presented === 'string' &&
        timingSafeEqual(createHash('sha256').update(presented).digest(), expected);
      if (!ok) return callback({ code: grpc.status.UNAUTHENTICATED, details: 'no token' });
      call.metadata.remove('authorization');
    }
    callback(null, call.request);
  },
});

async function run(way) {
  const server = new grpc.Server(way === 'interceptor' ? clusterServerOptions(TOKEN) : {});
  server.addService(definition, handlers(way === 'handler'));
  const port = await new Promise((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  const Client = grpc.makeGenericClientConstructor(definition, 'Bench');
  const client = new Client(
    `127.0.0.1:${port}`,
    grpc.credentials.createInsecure(),
    clusterClientOptions(TOKEN),
  );
  const request = Buffer.alloc(64, 'x');
  const call = () =>
    new Promise((resolve, reject) => client.Echo(request, (err, r) => (err ? reject(err) : resolve(r))));
  for (let i = 0; i < 2_000; i++) await call(); // warm-up
  const cpu0 = process.cpuUsage();
  let left = calls;
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (left-- > 0) await call();
    }),
  );
  const cpu = process.cpuUsage(cpu0);
  client.close();
  server.forceShutdown();
  return (cpu.user + cpu.system) / calls;
}

const results = { none: [], interceptor: [], handler: [] };
for (let r = 0; r < rounds; r++) for (const way of Object.keys(results)) results[way].push(await run(way));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [way, xs] of Object.entries(results)) {
  console.log(
    `${way.padEnd(11)} CPU per call ${median(xs).toFixed(1)} µs (median; rounds ${xs.map((x) => x.toFixed(1)).join(', ')})`,
  );
}
