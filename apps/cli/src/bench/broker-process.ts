// Starting and stopping the brokers under test, each as a child process on free ports with a generated config:
// ours (`node apps/mqtt-broker/dist/main.js --config …`), mosquitto and aedes (aedes-broker.js). A broker counts as up once it answers a real
// CONNECT with CONNACK; if it exits first, its own output says why.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@robustmq/common';
import {
  mosquittoConf,
  robustmqJournalConfigs,
  robustmqToml,
  type RobustmqStorage,
} from './broker-configs.js';
import { trackChild } from './child-processes.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { inspectorUrlIn } from './inspector-gc.js';
import { RawMqttClient } from './raw-mqtt-client.js';

export const BROKER_KINDS = ['robustmq', 'robustmq-journal', 'mosquitto', 'aedes'] as const;
/** the brokers that are not ours: the report compares ours with each of them */
export const OTHER_BROKERS: readonly BrokerKind[] = ['mosquitto', 'aedes'];
export type BrokerKind = (typeof BROKER_KINDS)[number];

/** Where our broker's entry point is, next to this package in the monorepo (apps/cli/dist/bench → apps/mqtt-broker). */
export const ROBUSTMQ_MAIN = fileURLToPath(new URL('../../../mqtt-broker/dist/main.js', import.meta.url));
/** `robustmq start` (all roles in one process), for the broker on journal storage. */
export const ROBUSTMQ_CLI = fileURLToPath(new URL('../robustmq.js', import.meta.url));
/** aedes in memory, in a process of its own */
export const AEDES_MAIN = fileURLToPath(new URL('./aedes-broker.js', import.meta.url));
export const MOSQUITTO_BIN = 'mosquitto';

/** generous: on this shared 2-core machine a broker has needed more than 20 s to start at load 40 */
const START_TIMEOUT_MS = 60_000;
const OUTPUT_KEPT_BYTES = 16 * 1024;

export interface RunningBroker {
  kind: BrokerKind;
  pid: number;
  port: number;
  /** the tail of the broker's stdout + stderr, for error messages */
  output(): string;
  /** the V8 inspector's address of a broker on Node started with `inspector` (see inspector-gc.ts) */
  inspectorUrl(): string | undefined;
  stop(): Promise<void>;
}

let started = 0;

export async function startBroker(
  kind: BrokerKind,
  scratchDir: string,
  storage: RobustmqStorage,
  /** a broker on Node gets a V8 inspector on a random loopback port (the idle-connections case forces GCs) */
  inspector = false,
): Promise<RunningBroker> {
  const inspectArgs = inspector ? ['--inspect=127.0.0.1:0'] : [];
  const dir = join(scratchDir, `${kind}-${++started}`);
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  let child: ChildProcess;
  if (kind === 'robustmq') {
    const configFile = join(dir, 'mqtt-broker.toml');
    writeFileSync(
      configFile,
      robustmqToml({ storage, tcpPort: port, httpPort: await freePort(), dataDir: join(dir, 'data') }),
    );
    // e.g. ROBUSTMQ_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile our broker under load (Node
    // refuses --cpu-prof in NODE_OPTIONS); the profile is written when the bench stops the broker
    const nodeArgs = (process.env.ROBUSTMQ_BENCH_NODE_ARGS ?? '').split(/\s+/).filter((a) => a.length > 0);
    // ROBUSTMQ_BENCH_MAIN=<another checkout>/apps/mqtt-broker/dist/main.js: an A/B of two builds under this bench
    const main = process.env.ROBUSTMQ_BENCH_MAIN || ROBUSTMQ_MAIN;
    child = spawn(process.execPath, [...nodeArgs, ...inspectArgs, main, '--config', configFile], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } else if (kind === 'robustmq-journal') {
    const ports = {
      pcGrpc: await freePort(),
      pcHttp: await freePort(),
      jsData: await freePort(),
      jsGrpc: await freePort(),
      jsHttp: await freePort(),
      brokerHttp: await freePort(),
      brokerGrpc: await freePort(),
      kafka: await freePort(),
      kafkaHttp: await freePort(),
    };
    const configDir = join(dir, 'config');
    mkdirSync(configDir);
    for (const [file, text] of Object.entries(robustmqJournalConfigs({ tcpPort: port, ports })))
      writeFileSync(join(configDir, file), text);
    const nodeArgs = (process.env.ROBUSTMQ_BENCH_NODE_ARGS ?? '').split(/\s+/).filter((a) => a.length > 0);
    // ROBUSTMQ_BENCH_CLI=<another checkout>/apps/cli/dist/robustmq.js: the journal quick start of another build (A/B)
    const cli = process.env.ROBUSTMQ_BENCH_CLI || ROBUSTMQ_CLI;
    child = spawn(
      process.execPath,
      [...nodeArgs, ...inspectArgs, cli, 'start', '--config-dir', configDir, '--data-dir', join(dir, 'data')],
      {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
  } else if (kind === 'aedes') {
    child = spawn(process.execPath, [...inspectArgs, AEDES_MAIN, String(port)], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } else {
    const configFile = join(dir, 'mosquitto.conf');
    writeFileSync(configFile, mosquittoConf(port));
    child = spawn(MOSQUITTO_BIN, ['-c', configFile], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  }
  trackChild(child);
  let output = '';
  let inspectorUrl: string | undefined;
  const keep = (data: Buffer): void => {
    output = (output + data.toString()).slice(-OUTPUT_KEPT_BYTES);
    if (inspector) inspectorUrl ??= inspectorUrlIn(output);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited: string | null = null;
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = `exited with ${signal ?? `code ${code}`}`;
      resolve();
    });
  });
  child.once('error', (err) => {
    exited = `could not be started: ${err.message}`;
  });

  const broker: RunningBroker = {
    kind,
    pid: child.pid ?? -1,
    port,
    output: () => output,
    inspectorUrl: () => inspectorUrl,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exitedPromise;
      clearTimeout(timer);
    },
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (true) {
    if (exited)
      throw new Error(`${kind} ${exited} before accepting connections${output ? `:\n${output.trim()}` : ''}`);
    try {
      const client = await RawMqttClient.open(port, `rb-ready-${process.pid}`, 10, 1000);
      client.close();
      return broker;
    } catch (err) {
      if (Date.now() > deadline) {
        await broker.stop();
        throw new Error(
          `${kind} did not answer CONNECT on port ${port} within ${START_TIMEOUT_MS} ms: ${(err as Error).message}`,
        );
      }
    }
    await sleep(50);
  }
}

/** Fails early, with what to do, when a broker the run needs is not there. */
export function checkBrokerAvailable(kind: BrokerKind): void {
  if (kind === 'robustmq-journal' && !existsSync(ROBUSTMQ_CLI)) {
    throw new Error(`${ROBUSTMQ_CLI} is not built; run \`npm run build\` first`);
  }
  if (kind === 'robustmq' && !existsSync(ROBUSTMQ_MAIN)) {
    throw new Error(
      `${ROBUSTMQ_MAIN} is not built; run \`npx tsc -b apps/mqtt-broker\` (or \`npm run build\`) first`,
    );
  }
}

/** `mosquitto -h` names its version on the first line; null when mosquitto is not installed. */
export function mosquittoVersion(): string | null {
  const probe = spawnSync(MOSQUITTO_BIN, ['-h'], { encoding: 'utf8' });
  if (probe.error) return null;
  return /mosquitto version (\S+)/.exec(probe.stdout + probe.stderr)?.[1] ?? 'unknown version';
}
