// The NATS JetStream reference for journal-bench.ts: the same records (PAYLOAD-byte messages), the same producer
// shape (PRODUCERS workers, each publishing BATCH messages asynchronously and waiting for all their acks before the
// next batch), into a file-backed stream — R1 on one `nats-server -js`, and R3 on a 3-node JetStream cluster on
// loopback ports (the fair comparison to the journal's acks=quorum over 3 replicas). Then one ordered consumer reads
// the stream back. Skips with a message, never fails the bench, when nats-server or the npm `nats` client is missing.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@robustmq/common';

export interface NatsResult {
  replicas: number;
  appendPerSec: number;
  p50: number;
  p99: number;
  readPerSec: number | undefined;
  /** CPU microseconds per published record in the nats-server processes and in this (client) process. */
  serverCpuUs: number;
  clientCpuUs: number;
}

export interface NatsRunOptions {
  dir: string;
  records: number;
  batch: number;
  producers: number;
  payload: number;
  replicas: 1 | 3;
}

/** why the reference cannot run here, or undefined when it can. */
export async function natsUnavailable(): Promise<string | undefined> {
  const probe = spawnSync('nats-server', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0)
    return 'nats-server is not on PATH (Debian: apt-get install -y nats-server)';
  try {
    await import('nats');
  } catch {
    return "the npm client 'nats' is not installed (npm install -D nats at the repository root)";
  }
  return undefined;
}

export function natsServerVersion(): string {
  return spawnSync('nats-server', ['--version'], { encoding: 'utf8' }).stdout.trim();
}

async function startServers(dir: string, replicas: 1 | 3, children: ChildProcess[]): Promise<number[]> {
  const clientPorts: number[] = [];
  const routePorts: number[] = [];
  for (let i = 0; i < replicas; i++) {
    clientPorts.push(await freePort());
    routePorts.push(await freePort());
  }
  for (let i = 0; i < replicas; i++) {
    const store = join(dir, `nats-r${replicas}-n${i}`);
    mkdirSync(store, { recursive: true });
    const conf = [
      `server_name: n${i}`,
      `listen: 127.0.0.1:${clientPorts[i]}`,
      `jetstream { store_dir: "${store}" }`,
      ...(replicas > 1
        ? [
            'cluster {',
            '  name: bench',
            `  listen: 127.0.0.1:${routePorts[i]}`,
            `  routes: [${routePorts
              .filter((_, j) => j !== i)
              .map((p) => `nats://127.0.0.1:${p}`)
              .join(', ')}]`,
            '}',
          ]
        : []),
    ];
    const file = join(store, 'nats.conf');
    writeFileSync(file, conf.join('\n'));
    const child = spawn('nats-server', ['-c', file], { stdio: ['ignore', 'ignore', 'ignore'] });
    children.push(child);
  }
  return clientPorts;
}

/** CPU seconds (user + system) used so far by these processes, from /proc; 0 where that is not available. */
function cpuOf(children: ChildProcess[]): number {
  let ticks = 0;
  for (const c of children) {
    try {
      const fields = readFileSync(`/proc/${c.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // not Linux, or gone
    }
  }
  return ticks / 100;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

/** runs one NATS configuration; the servers are killed before it returns. */
export async function runNats(o: NatsRunOptions): Promise<NatsResult> {
  const nats = await import('nats');
  const children: ChildProcess[] = [];
  try {
    const ports = await startServers(o.dir, o.replicas, children);
    const servers = ports.map((p) => `127.0.0.1:${p}`);
    let nc: Awaited<ReturnType<typeof nats.connect>> | undefined;
    for (let i = 0; i < 200 && !nc; i++) {
      try {
        // noAsyncTraces: the client's documented switch off capturing a stack per request (a large cost per publish)
        nc = await nats.connect({ servers, maxReconnectAttempts: -1, noAsyncTraces: true });
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    if (!nc) throw new Error(`nats-server (R${o.replicas}) did not accept connections`);
    const subject = `bench.r${o.replicas}`;
    // a fresh cluster elects its JetStream meta leader first: retry creating the stream until it has one
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const jsm = await nc.jetstreamManager();
        await jsm.streams.add({
          name: `BENCH_R${o.replicas}`,
          subjects: [subject],
          storage: nats.StorageType.File,
          num_replicas: o.replicas,
        });
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const js = nc.jetstream({ timeout: 30_000 });
    const payload = Buffer.alloc(o.payload, 0x61);
    await js.publish(subject, payload); // warm up: the stream has a leader and the connection is open
    let issued = 0;
    const latencies: number[] = [];
    const serverCpu0 = cpuOf(children);
    const clientCpu0 = process.cpuUsage();
    const started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: o.producers }, async () => {
        while (issued < o.records) {
          const n = Math.min(o.batch, o.records - issued);
          issued += n;
          const t0 = performance.now();
          const acks: Promise<unknown>[] = [];
          for (let i = 0; i < n; i++) acks.push(js.publish(subject, payload));
          await Promise.all(acks);
          latencies.push(performance.now() - t0);
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const serverCpuUs = ((cpuOf(children) - serverCpu0) / o.records) * 1e6;
    const clientCpu = process.cpuUsage(clientCpu0);
    const clientCpuUs = (clientCpu.user + clientCpu.system) / o.records;
    latencies.sort((a, b) => a - b);

    let readPerSec: number | undefined;
    try {
      const total = o.records + 1;
      const consumer = await js.consumers.get(`BENCH_R${o.replicas}`);
      const readStarted = process.hrtime.bigint();
      const messages = await consumer.consume({ max_messages: 10_000 });
      let got = 0;
      for await (const _m of messages) {
        if (++got >= total) break;
      }
      readPerSec = total / (Number(process.hrtime.bigint() - readStarted) / 1e9);
    } catch (err) {
      console.log(`  (NATS R${o.replicas} read skipped: ${(err as Error).message})`);
    }
    await nc.close();
    return {
      replicas: o.replicas,
      appendPerSec: o.records / seconds,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      readPerSec,
      serverCpuUs,
      clientCpuUs,
    };
  } finally {
    for (const c of children) c.kill('SIGKILL');
  }
}
