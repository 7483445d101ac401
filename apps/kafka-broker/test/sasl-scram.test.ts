// SASL/SCRAM-SHA-256 and SCRAM-SHA-512 with real clients against a real Kafka broker, placement center and journal
// server started by the test: kcat (librdkafka), kafkajs and kafka-python (handshake v0, bare tokens) log in as an
// MQTT user of placement with the right password and are refused with a wrong one or an unknown user; a password
// change replaces the SCRAM keys; a malformed SCRAM message is an authentication failure, not a crash.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { ApiKey, ErrorCode } from '@robustmq/protocol/kafka';
import {
  kcat,
  kcatRead,
  kcatSasl,
  kafkaPythonSaslProduce,
  RawKafkaClient,
  startTestKafkaBroker,
  type TestKafkaBroker,
} from '@robustmq/testing/kafka';

let broker: TestKafkaBroker;

beforeAll(async () => {
  broker = await startTestKafkaBroker({ sections: { sasl: { enabled: true } } });
  const users = broker.cluster!.placement.client().mqtt;
  await users.createUser('sam', 'scram-pw');
  await users.createUser('carol', 'old-pw');
});

afterAll(async () => {
  await broker?.stop();
});

const run = (args: string[], input?: string) => kcat(broker.bootstrap, args, input);
const scram = (mechanism: string, user: string, password: string) => kcatSasl(user, password, { mechanism });
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => 'accepted',
    (err: { stderr?: string; message: string }) => err.stderr ?? err.message,
  );

describe('SASL/SCRAM', () => {
  it.each(['SCRAM-SHA-256', 'SCRAM-SHA-512'])(
    'kcat %s: right password produces and consumes, wrong password and unknown user are refused',
    async (mechanism) => {
      const topic = `kcat-${mechanism}`;
      await run([...scram(mechanism, 'sam', 'scram-pw'), '-P', '-t', topic, '-p', '0'], 'one\ntwo\n');
      expect(await kcatRead(broker.bootstrap, topic, { args: scram(mechanism, 'sam', 'scram-pw') })).toEqual([
        'one',
        'two',
      ]);
      expect(await refusal(run([...scram(mechanism, 'sam', 'wrong'), '-L', '-m', '2']))).toMatch(
        /Authentication failed|SASL authentication error/i,
      );
      expect(await refusal(run([...scram(mechanism, 'nobody', 'scram-pw'), '-L', '-m', '2']))).toMatch(
        /Authentication failed|SASL authentication error/i,
      );
    },
  );

  it('kafkajs scram-sha-256 and scram-sha-512: right password works, wrong one is refused; a password change replaces the keys', async () => {
    const client = (sasl: SASLOptions) =>
      new Kafka({
        clientId: 'scram',
        brokers: [broker.bootstrap],
        sasl,
        logLevel: logLevel.NOTHING,
        retry: { retries: 0 },
      });
    for (const mechanism of ['scram-sha-256', 'scram-sha-512'] as const) {
      const producer = client({ mechanism, username: 'sam', password: 'scram-pw' }).producer();
      await producer.connect();
      const [meta] = await producer.send({
        topic: `kafkajs-${mechanism}`,
        acks: -1,
        messages: [{ value: 'scram' }],
      });
      expect(meta!.errorCode).toBe(0);
      await producer.disconnect();
      await expect(
        client({ mechanism, username: 'sam', password: 'nope' }).admin().connect(),
      ).rejects.toThrow(/SASL|Authentication/i);
    }
    await expect(
      client({ mechanism: 'scram-sha-256', username: 'carol', password: 'old-pw' }).admin().connect(),
    ).resolves.toBeUndefined();
    await broker.cluster!.placement.client().mqtt.updateUser('carol', { password: 'new-pw' });
    await expect(
      client({ mechanism: 'scram-sha-256', username: 'carol', password: 'old-pw' }).admin().connect(),
    ).rejects.toThrow(/SASL|Authentication/i);
    const admin = client({ mechanism: 'scram-sha-512', username: 'carol', password: 'new-pw' }).admin();
    await admin.connect();
    await admin.disconnect();
  });

  it('kafka-python SCRAM-SHA-256 (SaslHandshake v0, bare tokens): right password produces, wrong one is refused', async () => {
    const python = (password: string) =>
      kafkaPythonSaslProduce(
        broker.bootstrap,
        { mechanism: 'SCRAM-SHA-256', user: 'sam', password },
        'py-scram',
      );
    expect(await python('scram-pw')).toBe('ok');
    expect(await python('bad')).toMatch(/^refused/);
  });

  it('a malformed SCRAM message is SASL_AUTHENTICATION_FAILED and closes that connection; an unoffered mechanism is refused', async () => {
    const raw = await RawKafkaClient.open(broker.handle.ports.kafka);
    try {
      const hs = await raw.request(ApiKey.SaslHandshake, 1, { mechanism: 'SCRAM-SHA-512' });
      expect(hs['errorCode']).toBe(ErrorCode.NONE);
      expect(hs['mechanisms']).toEqual(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']);
      const auth = await raw.request(
        ApiKey.SaslAuthenticate,
        2,
        { authBytes: Buffer.from('not scram at all') },
        2,
      );
      expect(auth['errorCode']).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED);
      expect(await raw.closedByPeer()).toBe(true);
    } finally {
      raw.socket.destroy();
    }
    const other = await RawKafkaClient.open(broker.handle.ports.kafka);
    try {
      const hs = await other.request(ApiKey.SaslHandshake, 1, { mechanism: 'GSSAPI' });
      expect(hs['errorCode']).toBe(ErrorCode.UNSUPPORTED_SASL_MECHANISM);
    } finally {
      other.socket.destroy();
    }
  });
});
