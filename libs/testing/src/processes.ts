// Services as real child processes (`node apps/<service>/dist/main.js --config <generated TOML>`), for the tests
// that need what only a process has: SIGKILL with no chance to clean up, SIGSTOP, a clean exit code, start-up from
// a config file. The apps are built once per test run (`tsc -b apps/cli` builds every app), however many test
// files ask: the first one builds under a lock, the others find the run's stamp and go on.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { stringify } from 'smol-toml';
import type { Scope } from './scope.js';
import { waitFor, type WaitOptions } from './wait.js';
import { mergeSections, type Sections } from './sections.js';

/** the repository root (with a trailing slash). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

// vitest.shared.ts sets ROBUSTMQ_TEST_RUN in the vitest main process, and every worker inherits it: one id per run.
const runId = process.env.ROBUSTMQ_TEST_RUN ?? String(process.ppid);
const lock = join(tmpdir(), 'robustmq-test-build.lock');
const stamp = join(tmpdir(), `robustmq-test-build-${runId}.done`);
let built: Promise<void> | undefined;

/** Builds every app's dist/ (incrementally) unless this test run has built them already. */
export function buildOnce(): Promise<void> {
  built ??= build().catch((err: unknown) => {
    built = undefined;
    throw err;
  });
  return built;
}

async function build(): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (existsSync(stamp)) return;
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || Date.now() > deadline) throw err;
      // a lock left by a run that was killed mid-build
      const since = statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - since > 150_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    if (existsSync(stamp)) return;
    // the gRPC types are generated from proto/ (not committed): bring them up to date first
    await promisify(execFile)(process.execPath, [join(ROOT, 'libs/protocol/scripts/generate.mjs')], {
      cwd: ROOT,
    });
    await promisify(execFile)(join(ROOT, 'node_modules/.bin/tsc'), ['-b', 'apps/cli'], { cwd: ROOT });
    writeFileSync(stamp, '');
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface Proc {
  child: ChildProcess;
  /** everything it printed (stdout and stderr), for failure messages. */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` (default SIGKILL) and waits for the exit; at once if it has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const running = new Set<ChildProcess>();

/** Runs `node <script> ...args` from the repository root; `script` is relative to it and must be built. */
export function runNode(
  script: string,
  args: string[],
  options: { env?: Record<string, string>; scope?: Scope; logFile?: string } = {},
): Proc {
  if (!existsSync(join(ROOT, script))) {
    throw new Error(`${script} is not built; call buildOnce() in beforeAll (or run \`npm run build\`)`);
  }
  return spawnProcess(process.execPath, [join(ROOT, script), ...args], { ...options, what: script });
}

/**
 * Starts any command (from the repository root) with its output kept (and appended to `logFile`, if given, for a
 * look after the test); killed when `scope` closes.
 */
export function spawnProcess(
  command: string,
  args: string[],
  options: { env?: Record<string, string>; scope?: Scope; what?: string; logFile?: string } = {},
): Proc {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  const keep = (d: Buffer) => {
    if (options.logFile) appendFileSync(options.logFile, d);
    out += d.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  // a command that is not installed: an exit without a code, not an unhandled error event
  child.on('error', (err) => {
    out += `${String(err)}\n`;
    running.delete(child);
  });
  const proc: Proc = {
    child,
    output: () => out,
    exited,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        child.kill(signal);
        await exited;
      }
    },
  };
  options.scope?.add(proc, (p) => p.kill(), `process ${options.what ?? command}`);
  return proc;
}

/** SIGKILLs every child process this worker started that is still running (a last resort in afterAll). */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** How a command run to completion ended: its exit code (null when killed) and what it printed. */
export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout then stderr. */
  output: string;
}

/** Runs a command to completion (e.g. mosquitto_pub), killed after `timeoutMs`. */
export function runCommand(cmd: string, args: string[], timeoutMs = 10_000): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, output: stdout + stderr });
    });
  });
}

/** Writes config sections as a TOML file (creating its directory); returns the path. */
export function writeToml(path: string, sections: Sections): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, stringify(sections));
  return path;
}

export type ServiceName = 'placement-center' | 'journal-server' | 'mqtt-broker' | 'kafka-broker';

/**
 * One service as a child process with a config file of its own: `start()` writes the config and spawns it,
 * `kill()` stops it with a signal, and `start()` again brings it back with the same config (ports, data dir).
 */
export class ServiceProcess {
  proc: Proc | undefined;

  constructor(
    readonly service: ServiceName,
    /** the TOML file written at start. */
    readonly configFile: string,
    public sections: Sections,
    scope?: Scope,
    /** where its output is appended too (it is always kept in memory for `output()`). */
    private readonly logFile?: string,
  ) {
    scope?.add(this, (s) => s.kill(), `${service} process`);
  }

  get running(): boolean {
    return (
      this.proc !== undefined && this.proc.child.exitCode === null && this.proc.child.signalCode === null
    );
  }

  output(): string {
    return this.proc?.output() ?? '';
  }

  /** Spawns it; with `healthPort`, resolves once its /health says ok. */
  async start(healthPort?: number): Promise<Proc> {
    writeToml(this.configFile, this.sections);
    const proc = runNode(`apps/${this.service}/dist/main.js`, ['--config', this.configFile], {
      ...(this.logFile ? { logFile: this.logFile } : {}),
    });
    this.proc = proc;
    if (healthPort !== undefined) await waitForHealthy(healthPort, proc);
    return proc;
  }

  /**
   * Spawns it and resolves once `ready` says true (a probe that throws counts as not yet); fails at once, with its
   * output, if it exits first, and after `timeoutMs` otherwise.
   */
  async startUntil(ready: () => Promise<boolean>, timeoutMs = 20_000): Promise<this> {
    const proc = await this.start();
    await waitWhileRunning(proc, `${this.service} to be up`, async () => (await ready()) || undefined, {
      timeoutMs,
      intervalMs: 100,
    });
    return this;
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.proc?.kill(signal);
  }
}

export interface MqttBrokerProcessOptions {
  /** where its config (`<name>.toml`), data dir (`<name>/`) and, with `keepLog`, its output (`<name>.log`) go. */
  dir: string;
  /** the file names under `dir`; default `mqtt-broker`. */
  name?: string;
  /** `[node] id` (a broker registered with placement needs one). */
  id?: number;
  /** MQTT over TCP; fixed, so a restarted broker is where its clients left it. */
  mqttPort: number;
  /** HTTP admin and gRPC ports (default 0: any free one); every other listener takes any free port too. */
  httpPort?: number;
  grpcPort?: number;
  /** further config sections (`placement`, `storage`, …), merged over the kit's. */
  sections?: Sections;
  scope?: Scope;
  keepLog?: boolean;
}

/** An MQTT broker as a child process on loopback (not started: `start()`/`startUntil()`), logging warnings. */
export function mqttBrokerProcess(options: MqttBrokerProcessOptions): ServiceProcess {
  const { dir, name = 'mqtt-broker' } = options;
  const sections = mergeSections(
    {
      node: { ...(options.id !== undefined ? { id: options.id } : {}), data_dir: join(dir, name) },
      network: {
        host: '127.0.0.1',
        tcp_port: options.mqttPort,
        http_port: options.httpPort ?? 0,
        grpc_port: options.grpcPort ?? 0,
        tls_port: 0,
        ws_port: 0,
        wss_port: 0,
      },
      log: { level: 'warn' },
    },
    options.sections,
  );
  const logFile = options.keepLog ? join(dir, `${name}.log`) : undefined;
  return new ServiceProcess('mqtt-broker', join(dir, `${name}.toml`), sections, options.scope, logFile);
}

/** Waits for `GET /health` on `port` to say `status: ok`; fails at once, with its output, if `proc` exits first. */
export async function waitForHealthy(port: number, proc?: Proc, timeoutMs = 20_000): Promise<void> {
  const healthy = async (): Promise<true | undefined> => {
    const res = await fetch(`http://127.0.0.1:${port}/health`);
    return ((await res.json()) as { status?: string }).status === 'ok' || undefined;
  };
  const what = `the process with HTTP port ${port} to be healthy`;
  if (proc) await waitWhileRunning(proc, what, healthy, { timeoutMs });
  else await waitFor(what, healthy, { timeoutMs });
}

/** waitFor() on a child process: gives up at once if it exits, and says what it printed either way. */
function waitWhileRunning<T>(
  proc: Proc,
  what: string,
  probe: () => Promise<T | undefined>,
  options: WaitOptions,
): Promise<T> {
  const { child } = proc;
  return waitFor(what, probe, {
    ...options,
    detail: () => proc.output(),
    giveUp: () =>
      child.exitCode !== null || child.signalCode !== null
        ? `exited (code ${child.exitCode}, signal ${child.signalCode})`
        : undefined,
  });
}
