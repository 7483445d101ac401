// The load generator's process: the orchestrator forks this file (compiled) once per measurement and sends it one
// job; it answers with progress lines and one result, then exits — except for idle connections, which it holds
// until told to close. Keeping load apart from orchestrator and broker lets each one's CPU time be read on its own.
import { runLatency } from './load-latency.js';
import { openIdleConnections } from './load-connections.js';
import { runOrdinary } from './load-ordinary.js';
import { runThroughput } from './load-throughput.js';
import { UnsupportedError } from './unsupported-error.js';
import type { Job, JobResult, ParentMessage, WorkerMessage } from './worker-protocol.js';

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

const progress = (text: string): void => void send({ type: 'progress', text });
let holding: { close(): void }[] = [];

async function run(job: Job): Promise<void> {
  try {
    let result: JobResult;
    if (job.kind === 'throughput') result = await runThroughput(job, progress);
    else if (job.kind === 'ordinary') result = await runOrdinary(job, progress);
    else if (job.kind === 'latency') result = await runLatency(job, progress);
    else {
      const opened = await openIdleConnections(job, progress);
      holding = opened.clients;
      await send({ type: 'result', result: opened.result });
      return; // stays up, holding the connections, until 'close'
    }
    await send({ type: 'result', result });
  } catch (err) {
    const message = (err as Error).message;
    await send(
      err instanceof UnsupportedError ? { type: 'unsupported', reason: message } : { type: 'error', message },
    );
  }
  process.exit(0);
}

process.on('message', (message: ParentMessage) => {
  if (message.type === 'job') void run(message.job);
  else if (message.type === 'close') {
    for (const c of holding) c.close();
    process.exit(0);
  }
});
// the orchestrator is gone (killed, Ctrl-C): nothing is left to report to, and no load may outlive it
process.on('disconnect', () => process.exit(0));
