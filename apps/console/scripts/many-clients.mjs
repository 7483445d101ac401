// Measures the console with many connected clients: starts `robustmq start` (built: `npm run build`) on free ports,
// connects N raw MQTT clients (default 10,000), then times placement's merged client list
// (`GET /api/v1/console/clients`, first page, a later page, a search) and, in headless Chromium, the Clients page
// (first page shown, "next" clicked until the next page is shown). Prints the numbers, the command and `uptime`.
//   node apps/console/scripts/many-clients.mjs [clients]
import { spawn, execSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqttPacket from 'mqtt-packet';
import { chromium } from 'playwright-core';

const N = Number(process.argv[2] ?? 10_000);
const root = new URL('../../../', import.meta.url).pathname;
const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const dir = mkdtempSync(join(tmpdir(), 'robustmq-many-clients-'));
const [pcGrpc, pcHttp, mqtt, brokerHttp, jsHttp] = [
  await freePort(),
  await freePort(),
  await freePort(),
  await freePort(),
  await freePort(),
];
writeFileSync(
  join(dir, 'placement-center.toml'),
  `[network]\nhost = "127.0.0.1"\ngrpc_port = ${pcGrpc}\nhttp_port = ${pcHttp}\n`,
);
writeFileSync(
  join(dir, 'journal-server.toml'),
  `[network]\nhost = "127.0.0.1"\nhttp_port = ${jsHttp}\ndata_port = 0\ngrpc_port = 0\n`,
);
writeFileSync(
  join(dir, 'mqtt-broker.toml'),
  `[network]\nhost = "127.0.0.1"\ntcp_port = ${mqtt}\nhttp_port = ${brokerHttp}\nws_port = 0\ngrpc_port = 0\n[mqtt]\nsys_interval_s = 0\n`,
);
const proc = spawn(
  process.execPath,
  [join(root, 'apps/cli/dist/robustmq.js'), 'start', '--config-dir', dir, '--data-dir', join(dir, 'data')],
  {
    env: { ...process.env, ROBUSTMQ_LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  },
);
const base = `http://127.0.0.1:${pcHttp}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
try {
  for (let i = 0; ; i++) {
    const nodes = await fetch(`${base}/api/v1/cluster/nodes?cluster_type=MQTT_BROKER`).then(
      (r) => r.json(),
      () => ({ nodes: [] }),
    );
    if (nodes.nodes?.length) break;
    if (i > 300) throw new Error('the broker did not register');
    await sleep(100);
  }
  const started = Date.now();
  const sockets = [];
  const connectOne = (i) =>
    new Promise((resolve, reject) => {
      const socket = connect(mqtt, '127.0.0.1');
      socket.once('error', reject);
      socket.once('data', () => resolve(socket)); // CONNACK
      socket.write(
        mqttPacket.generate({
          cmd: 'connect',
          protocolId: 'MQTT',
          protocolVersion: 4,
          clean: true,
          keepalive: 0,
          clientId: `client-${String(i).padStart(6, '0')}`,
        }),
      );
    });
  for (let i = 0; i < N; i += 200)
    sockets.push(
      ...(await Promise.all(Array.from({ length: Math.min(200, N - i) }, (_, k) => connectOne(i + k)))),
    );
  console.log(`${N} clients connected in ${Date.now() - started} ms`);

  const time = async (path) => {
    const t = performance.now();
    const body = await fetch(base + path).then((r) => r.json());
    return { ms: Math.round(performance.now() - t), body };
  };
  const samples = async (path) => {
    const runs = [];
    for (let i = 0; i < 5; i++) runs.push(await time(path));
    runs.sort((a, b) => a.ms - b.ms);
    return runs[2];
  };
  const first = await samples('/api/v1/console/clients?limit=100');
  console.log(
    `GET /api/v1/console/clients?limit=100: median ${first.ms} ms of 5, total ${first.body.total}, ${first.body.rows.length} rows`,
  );
  const later = await samples(
    `/api/v1/console/clients?limit=100&start_after=client-${String(Math.floor(N / 2)).padStart(6, '0')}`,
  );
  console.log(`… a page in the middle (start_after): median ${later.ms} ms`);
  const search = await samples('/api/v1/console/clients?limit=100&search=client-0099');
  console.log(`… search=client-0099: median ${search.ms} ms, ${search.body.total} matches`);

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
  const page = await browser.newPage();
  let t = performance.now();
  await page.goto(`${base}/#/clients`);
  await page.getByRole('button', { name: 'details of client-000000' }).waitFor();
  console.log(
    `Clients page, first page of ${N} shown: ${Math.round(performance.now() - t)} ms after navigation`,
  );
  // timed inside the page: from the click to the frame that shows the next page (this function runs in the browser)
  /* global document, requestAnimationFrame */
  const nextMs = await page.evaluate(async () => {
    const t0 = performance.now();
    [...document.querySelectorAll('button')].find((b) => b.textContent === 'next →').click();
    while (!document.querySelector('[aria-label="details of client-000100"]'))
      await new Promise((r) => requestAnimationFrame(r));
    return performance.now() - t0;
  });
  console.log(`"next →" to the second page shown: ${Math.round(nextMs)} ms (in the page)`);
  await browser.close();
  for (const s of sockets) s.destroy();
} finally {
  proc.kill('SIGTERM');
  await new Promise((r) => proc.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
  console.log(`command: node apps/console/scripts/many-clients.mjs ${N}`);
  console.log(`uptime: ${execSync('uptime').toString().trim()}`);
}
