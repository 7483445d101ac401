// Worker side of the idle-connections scenario: opens `count` MQTT connections (CONNECT/CONNACK, long keep-alive),
// a bounded number of handshakes at a time so the broker's accept backlog is not overrun, then holds them open
// until the orchestrator has read the broker's memory and says close.
import { RawMqttClient } from './raw-mqtt-client.js';
import type { ConnectionsJob, ConnectionsResult } from './worker-protocol.js';

export async function openIdleConnections(
  job: ConnectionsJob,
  progress: (text: string) => void,
): Promise<{ result: ConnectionsResult; clients: RawMqttClient[] }> {
  const clients: RawMqttClient[] = [];
  const started = performance.now();
  let next = 0;
  let failed = 0;
  let firstError: string | undefined;
  let reported = 0;
  const lane = async (): Promise<void> => {
    while (next < job.count) {
      const i = next++;
      try {
        clients.push(
          await RawMqttClient.open(
            job.port,
            `${job.clientIdPrefix}-${i}`,
            job.keepAliveSeconds,
            job.replyTimeoutMs,
          ),
        );
      } catch (err) {
        failed++;
        firstError ??= (err as Error).message;
      }
      if (clients.length - reported >= 1000) {
        reported = clients.length;
        progress(`${reported} connections open`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(job.concurrency, job.count) }, lane));
  // a connection the broker dropped after CONNACK is not being held, so it does not count as open
  const alive = clients.filter((c) => !c.closedReason);
  return {
    result: {
      kind: 'connections',
      opened: alive.length,
      failed: failed + clients.length - alive.length,
      ...(firstError ? { firstError } : {}),
      elapsedMs: performance.now() - started,
    },
    clients: alive,
  };
}
