// One MQTT.js publisher of the "ordinary clients" scenario in a process of its own (the per-client mode, the
// default): real publishers do not share an event loop with the subscriber they feed, and a load process at 100 %
// CPU would otherwise set the pace for every broker alike. The load worker forks one of these per publisher and
// drives it over IPC: open → probe (first one only) → start → count (at the window's edges) → stop.
import type { MqttClient } from 'mqtt';
import { wallClockMs } from './measure-window.js';
import { OrdinaryPublisher, openClient, probePublish } from './ordinary-client.js';
import { UnsupportedError } from './unsupported-error.js';
import type { PublisherCommand, PublisherReply } from './worker-protocol.js';

let client: MqttClient | undefined;
let publisher: OrdinaryPublisher | undefined;
let payload = Buffer.alloc(0);
let qos: 0 | 1 = 0;
let replyTimeoutMs = 5000;

function send(reply: PublisherReply): void {
  if (process.send && process.connected) process.send(reply);
}

async function handle(command: PublisherCommand): Promise<void> {
  switch (command.type) {
    case 'open': {
      ({ qos, replyTimeoutMs } = command);
      payload = Buffer.alloc(command.payloadBytes, 0x2e);
      client = await openClient(command.port, command.clientId, replyTimeoutMs);
      client.on('close', () =>
        send({ type: 'lost', reason: `a load connection ended (${command.clientId})` }),
      );
      publisher = new OrdinaryPublisher(client, payload, qos, command.inflightWindow);
      return send({ type: 'ready' });
    }
    case 'probe':
      await probePublish(client!, payload, qos, replyTimeoutMs);
      return send({ type: 'probed' });
    case 'start':
      return publisher!.start();
    case 'count':
      return send({ type: 'count', sent: publisher?.sent ?? 0, at: wallClockMs() });
    case 'stop':
      publisher?.stop();
      client?.end(true);
      process.exit(0);
  }
}

process.on('message', (command: PublisherCommand) => {
  handle(command).catch((err: Error) =>
    send(
      err instanceof UnsupportedError
        ? { type: 'unsupported', reason: err.message }
        : { type: 'error', message: err.message },
    ),
  );
});
// the load worker is gone: no load may outlive it
process.on('disconnect', () => process.exit(0));
