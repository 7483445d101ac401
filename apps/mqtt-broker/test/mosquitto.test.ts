// Interoperability with the mosquitto command-line clients: mosquitto_sub subscribes with a wildcard,
// mosquitto_pub publishes, for MQTT 3.1, 3.1.1 and 5. Skipped (with a message) only when the binaries are absent.
import { beforeAll, describe, expect, it } from 'vitest';
import { mosquitto, testScope } from '@robustmq/testing';
import { startTestBroker, type TestBroker } from '@robustmq/testing/broker';

if (!mosquitto.installed) {
  console.warn(
    'mosquitto_pub/mosquitto_sub not found: skipping the mosquitto interoperability tests (apt-get install mosquitto-clients)',
  );
}

const scope = testScope();
let broker: TestBroker;

beforeAll(async () => {
  if (mosquitto.installed) broker = scope.add(await startTestBroker());
});

describe.skipIf(!mosquitto.installed).each([
  { version: 'mqttv31', label: '3.1' },
  { version: 'mqttv311', label: '3.1.1' },
  { version: 'mqttv5', label: '5' },
] as const)('mosquitto clients over MQTT $label', ({ version }) => {
  it('mosquitto_pub → mosquitto_sub round trip through + and # filters', async () => {
    const base = `mosq/${version}`;
    const connection = { port: broker.handle.ports.mqtt, version } as const;
    // count 2: exit after two messages; waitSeconds: give up rather than hang the test
    const sub = mosquitto.sub({
      ...connection,
      id: `sub-${version}`,
      topic: [`${base}/+/temp`, `${base}/alarms/#`],
      count: 2,
      waitSeconds: 8,
      verbose: true,
    });
    // wait until the subscriber's SUBSCRIBE has been handled
    const deadline = Date.now() + 5_000;
    while (
      !broker.handle.broker
        .listClients()
        .some((c) => c.clientId === `sub-${version}` && c.subscriptions === 2)
    ) {
      if (Date.now() > deadline) throw new Error('mosquitto_sub did not subscribe');
      await new Promise((r) => setTimeout(r, 20));
    }
    const pub1 = await mosquitto.pub({
      ...connection,
      id: `pub-${version}`,
      topic: `${base}/kitchen/temp`,
      message: '22',
    });
    const pub2 = await mosquitto.pub({
      ...connection,
      id: `pub-${version}`,
      topic: `${base}/alarms/fire/1`,
      message: 'smoke',
      qos: 1,
    });
    expect(pub1.code, pub1.stderr).toBe(0);
    expect(pub2.code, pub2.stderr).toBe(0);
    const result = await sub;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual([
      `${base}/kitchen/temp 22`,
      `${base}/alarms/fire/1 smoke`,
    ]);
  });
});
