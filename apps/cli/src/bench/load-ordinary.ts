// Worker side of the "ordinary clients" scenario: N MQTT.js publishers → 1 MQTT.js subscriber on one topic, every
// client as an application would use it (MQTT.js 5 defaults: its own parser and encoder, Nagle left on). Each PUBLISH
// is issued from an event-loop turn of its own, so MQTT.js (which corks the socket until the end of a tick) writes
// every packet on its own, and the subscriber's MQTT.js answers every QoS 1 message with its own PUBACK — the
// traffic shape of real devices and services, unlike the raw client's batches. QoS 0 publishers go as fast as the
// socket takes; QoS 1 publishers keep a window of unacknowledged messages, publishing the next one as each PUBACK
// comes back.
// By default each publisher runs in a process of its own (ordinary-publisher.ts) and this process holds only the
// subscriber, as deployments have them; with processes = 'one' all clients share this process's event loop (the
// bench's shape until session 6, where that one loop at 100 % CPU bounded the 4-publisher QoS 0 case for every broker).
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MqttClient } from 'mqtt';
import { measureDelivery, wallClockMs, type DeliveryLoad } from './measure-window.js';
import { BENCH_TOPIC } from './mqtt-packets.js';
import { OrdinaryPublisher, openClient, probePublish } from './ordinary-client.js';
import { UnsupportedError } from './unsupported-error.js';
import type { OrdinaryJob, PublisherCommand, PublisherReply, ThroughputResult } from './worker-protocol.js';

const PUBLISHER_SCRIPT = fileURLToPath(new URL('./ordinary-publisher.js', import.meta.url));

/** One publisher in a process of its own, driven over IPC; `ask` waits for the reply of one type. */
class PublisherProcess {
  readonly child: ChildProcess;
  /** why the publisher can no longer publish (its connection ended, the process died), null while it can */
  lost: string | null = null;
  private waiting:
    { type: PublisherReply['type']; settle: (reply: PublisherReply | Error) => void } | undefined;

  constructor() {
    this.child = fork(PUBLISHER_SCRIPT, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (reply: PublisherReply) => {
      if (reply.type === 'lost') this.lost ??= reply.reason;
      const waiting = this.waiting;
      if (!waiting) return;
      if (reply.type === waiting.type) {
        this.waiting = undefined;
        waiting.settle(reply);
      } else if (reply.type === 'error' || reply.type === 'unsupported') {
        this.waiting = undefined;
        waiting.settle(
          reply.type === 'error' ? new Error(reply.message) : new UnsupportedError(reply.reason),
        );
      }
    });
    this.child.once('exit', (code, signal) => {
      this.lost ??= `a publisher process exited (${signal ?? `code ${code}`})`;
      this.waiting?.settle(new Error(this.lost));
      this.waiting = undefined;
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  tell(command: PublisherCommand): void {
    if (this.child.connected) this.child.send(command);
  }

  ask<T extends PublisherReply['type']>(
    command: PublisherCommand,
    type: T,
    timeoutMs: number,
  ): Promise<Extract<PublisherReply, { type: T }>> {
    return new Promise((resolve, reject) => {
      if (this.lost) return reject(new Error(this.lost));
      const timer = setTimeout(() => {
        this.waiting = undefined;
        reject(new Error(`a publisher process gave no ${type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting = {
        type,
        settle: (reply) => {
          clearTimeout(timer);
          if (reply instanceof Error) reject(reply);
          else resolve(reply as Extract<PublisherReply, { type: T }>);
        },
      };
      this.tell(command);
    });
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

/** Publishers in this process: the clients, the probe through the first, and their counts. */
async function publishersHere(
  job: OrdinaryJob,
  payload: Buffer,
  clients: MqttClient[],
): Promise<Omit<DeliveryLoad, 'delivered'> & { probe(): Promise<void> }> {
  const pubClients: MqttClient[] = [];
  for (let i = 0; i < job.publishers; i++) {
    const client = await openClient(job.port, `rb-opub-${process.pid}-${i}`, job.replyTimeoutMs);
    clients.push(client);
    pubClients.push(client);
  }
  const publishers = pubClients.map((c) => new OrdinaryPublisher(c, payload, job.qos, job.inflightWindow));
  return {
    publishers,
    sent: () => [{ count: publishers.reduce((sum, p) => sum + p.sent, 0), at: wallClockMs() }],
    probe: () => probePublish(pubClients[0]!, payload, job.qos, job.replyTimeoutMs),
    lostConnection: () => {
      const closed = clients.find((c) => !c.connected);
      return closed ? `a load connection ended (${closed.options.clientId})` : null;
    },
  };
}

/** Publishers in processes of their own, one each. */
async function publisherProcesses(
  job: OrdinaryJob,
  processes: PublisherProcess[],
  subscriber: MqttClient,
): Promise<Omit<DeliveryLoad, 'delivered'> & { probe(): Promise<void> }> {
  const askTimeout = job.replyTimeoutMs * 2;
  for (let i = 0; i < job.publishers; i++) processes.push(new PublisherProcess());
  await Promise.all(
    processes.map((p, i) =>
      p.ask(
        {
          type: 'open',
          port: job.port,
          clientId: `rb-opub-${process.pid}-${i}`,
          qos: job.qos,
          payloadBytes: job.payloadBytes,
          inflightWindow: job.inflightWindow,
          replyTimeoutMs: job.replyTimeoutMs,
        },
        'ready',
        askTimeout,
      ),
    ),
  );
  return {
    publishers: processes.map((p) => ({
      start: () => p.tell({ type: 'start' }),
      stop: () => p.tell({ type: 'stop' }),
    })),
    publisherPids: processes.map((p) => p.pid),
    sent: async () => {
      const counts = await Promise.all(processes.map((p) => p.ask({ type: 'count' }, 'count', askTimeout)));
      return counts.map((c) => ({ count: c.sent, at: c.at }));
    },
    probe: async () => void (await processes[0]!.ask({ type: 'probe' }, 'probed', askTimeout)),
    lostConnection: () =>
      processes.find((p) => p.lost)?.lost ??
      (subscriber.connected ? null : `a load connection ended (${subscriber.options.clientId})`),
  };
}

export async function runOrdinary(
  job: OrdinaryJob,
  progress: (text: string) => void,
): Promise<ThroughputResult> {
  const clients: MqttClient[] = [];
  const processes: PublisherProcess[] = [];
  try {
    const subscriber = await openClient(job.port, `rb-osub-${process.pid}`, job.replyTimeoutMs);
    clients.push(subscriber);
    let timer: NodeJS.Timeout | undefined;
    const granted = await Promise.race([
      subscriber.subscribeAsync(BENCH_TOPIC, { qos: job.qos }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new UnsupportedError(`no SUBACK within ${job.replyTimeoutMs} ms`)),
          job.replyTimeoutMs,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    if (granted[0]?.qos !== job.qos) {
      throw new UnsupportedError(`SUBACK granted QoS ${granted[0]?.qos} to a QoS ${job.qos} subscription`);
    }
    let delivered = 0;
    subscriber.on('message', () => {
      delivered++;
    });

    const payload = Buffer.alloc(job.payloadBytes, 0x2e);
    const load =
      job.processes === 'one'
        ? await publishersHere(job, payload, clients)
        : await publisherProcesses(job, processes, subscriber);

    await load.probe();
    const probeDeadline = performance.now() + job.replyTimeoutMs;
    while (delivered === 0) {
      if (performance.now() > probeDeadline)
        throw new UnsupportedError(`the subscriber got no message within ${job.replyTimeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }

    return await measureDelivery(job, { ...load, delivered: () => delivered }, progress);
  } finally {
    for (const p of processes) p.kill();
    for (const c of clients) c.end(true);
  }
}
