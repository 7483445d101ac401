// Orchestrator side of a load worker: forks the compiled load-worker.js, hands it a job, relays its progress lines
// and resolves with its one outcome — a result, "not supported", or an error (including a worker that died or hung).
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { trackChild } from './child-processes.js';
import type { Job, JobResult, WorkerMessage } from './worker-protocol.js';

const WORKER_SCRIPT = fileURLToPath(new URL('./load-worker.js', import.meta.url));

export type Outcome<T> =
  | { status: 'ok'; value: T }
  | { status: 'unsupported'; reason: string }
  | { status: 'error'; message: string };

export interface LoadWorker {
  pid: number;
  outcome: Promise<Outcome<JobResult>>;
  /** tells a worker holding connections to let go, and waits for it to exit */
  close(): Promise<void>;
}

export function startLoadWorker(job: Job, onProgress: (text: string) => void, timeoutMs: number): LoadWorker {
  const child: ChildProcess = fork(WORKER_SCRIPT, [], {
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  trackChild(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const outcome = new Promise<Outcome<JobResult>>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({
        status: 'error',
        message: `load worker gave no result within ${Math.round(timeoutMs / 1000)} s`,
      });
    }, timeoutMs);
    const settle = (value: Outcome<JobResult>): void => {
      clearTimeout(timer);
      resolve(value);
    };
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress') onProgress(message.text);
      else if (message.type === 'result') settle({ status: 'ok', value: message.result });
      else if (message.type === 'unsupported') settle({ status: 'unsupported', reason: message.reason });
      else settle({ status: 'error', message: message.message });
    });
    child.once('error', (err) => settle({ status: 'error', message: `load worker failed: ${err.message}` }));
    child.once('exit', (code, signal) =>
      settle({
        status: 'error',
        message: `load worker exited (${signal ?? `code ${code}`}) without a result`,
      }),
    );
  });
  child.send({ type: 'job', job });
  return {
    pid: child.pid ?? -1,
    outcome,
    async close() {
      if (child.exitCode === null && child.signalCode === null && child.connected)
        child.send({ type: 'close' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
