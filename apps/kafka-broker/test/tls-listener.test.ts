// The Kafka broker's TLS listener with real clients: kcat (librdkafka, security.protocol SSL and SASL_SSL) and kafkajs
// (`ssl` option) trust a CA this test makes with openssl, and with verify_client present a certificate of it; Metadata
// and FindCoordinator name each broker's TLS port to TLS clients and its plaintext port to plaintext ones (or the
// advertised ports); the socket cap and the request size limit hold on the TLS listener as on the plaintext one.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { ApiKey } from '@robustmq/protocol/kafka';
import { makeTestPki, type TestPki } from '@robustmq/testing';
import {
  kcat,
  kcatSasl,
  kcatProps,
  kcatRead,
  RawKafkaClient,
  startTestKafkaBroker,
  type TestKafkaBroker,
} from '@robustmq/testing/kafka';

let pki: TestPki;
let ca: Buffer;
/** plaintext and TLS, no SASL. */
let open: TestKafkaBroker;
/** TLS only, SASL required. */
let secure: TestKafkaBroker;
/** TLS only, two sockets at most, 64 KiB requests at most. */
let capped: TestKafkaBroker;

beforeAll(async () => {
  pki = makeTestPki('kafka-test-ca');
  ca = readFileSync(pki.caFile);
  const cert = pki.issue('kafka-broker');
  const tls = { cert_file: cert.certFile, key_file: cert.keyFile };
  open = await startTestKafkaBroker({ sections: { tls } });
  secure = await startTestKafkaBroker({
    placement: [open.placementAddress],
    id: 2,
    sections: {
      node: { cluster_name: 'secure' },
      network: { plaintext_enabled: false },
      sasl: { enabled: true },
      tls,
    },
  });
  capped = await startTestKafkaBroker({
    placement: [open.placementAddress],
    id: 3,
    sections: {
      node: { cluster_name: 'capped' },
      network: { plaintext_enabled: false, max_sockets: 2 },
      kafka: { max_request_bytes: 64 * 1024 },
      tls,
    },
  });
  await open.cluster!.placement.client().mqtt.createUser('tina', 'tls-pass', true); // superuser: the test creates topics
});

afterAll(async () => {
  await capped?.stop();
  await secure?.stop();
  await open?.stop();
  pki?.close();
});

const ssl = () => kcatProps({ 'security.protocol': 'SSL', 'ssl.ca.location': pki.caFile });
const saslSsl = (password: string) => [
  ...kcatSasl('tina', password, { protocol: 'SASL_SSL' }),
  ...kcatProps({ 'ssl.ca.location': pki.caFile }),
];

describe('the Kafka TLS listener', () => {
  it('kcat over SSL: Metadata names the TLS port; produce and consume back; plaintext clients are named the plaintext port', async () => {
    const tlsPort = open.handle.ports.kafka_tls!;
    const meta = JSON.parse(await kcat(open.tlsBootstrap!, [...ssl(), '-L', '-J'])) as {
      brokers: { id: number; name: string }[];
    };
    expect(meta.brokers).toEqual([{ id: 1, name: `127.0.0.1:${tlsPort}` }]);
    const plain = JSON.parse(await kcat(open.bootstrap, ['-L', '-J'])) as {
      brokers: { id: number; name: string }[];
    };
    expect(plain.brokers).toEqual([{ id: 1, name: open.bootstrap }]);

    await kcat(
      open.tlsBootstrap!,
      [...ssl(), '-P', '-t', 'tls-topic', '-p', '0', '-K', ':'],
      'k1:over-tls-1\nk2:over-tls-2\n',
    );
    expect(await kcatRead(open.tlsBootstrap!, 'tls-topic', { args: ssl(), format: '%o %k %s\n' })).toEqual([
      '0 k1 over-tls-1',
      '1 k2 over-tls-2',
    ]);
    // a client that does not trust the CA gets no connection
    await expect(
      kcat(open.tlsBootstrap!, ['-X', 'security.protocol=SSL', '-L', '-m', '2']),
    ).rejects.toThrow();
  });

  it('kcat over SASL_SSL: the MQTT user with the right password gets in, a wrong one is refused', async () => {
    await kcat(
      secure.tlsBootstrap!,
      [...saslSsl('tls-pass'), '-P', '-t', 'sealed', '-p', '0'],
      'under-tls-and-sasl\n',
    );
    expect(await kcatRead(secure.tlsBootstrap!, 'sealed', { args: saslSsl('tls-pass') })).toEqual([
      'under-tls-and-sasl',
    ]);
    const refused = await kcat(secure.tlsBootstrap!, [...saslSsl('wrong'), '-L', '-m', '2']).then(
      () => '',
      (err: { stderr: string }) => err.stderr,
    );
    expect(refused).toMatch(/Authentication failed|SASL authentication error/i);
    // plaintext_enabled = false: no plaintext listener, and none registered
    expect(secure.handle.ports.kafka).toBe(0);
  });

  it('kafkajs with the ssl option (and SASL/PLAIN over it) produces and reads offsets back', async () => {
    const clients = [
      new Kafka({
        clientId: 'tls',
        brokers: [open.tlsBootstrap!],
        ssl: { ca: [ca] },
        logLevel: logLevel.NOTHING,
        retry: { retries: 2 },
      }),
      new Kafka({
        clientId: 'tls-sasl',
        brokers: [secure.tlsBootstrap!],
        ssl: { ca: [ca] },
        sasl: { mechanism: 'plain', username: 'tina', password: 'tls-pass' },
        logLevel: logLevel.NOTHING,
        retry: { retries: 2 },
      }),
    ];
    for (const [i, kafka] of clients.entries()) {
      const admin = kafka.admin();
      const producer = kafka.producer();
      await admin.connect();
      await producer.connect();
      try {
        const topic = `kafkajs-tls-${i}`;
        await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
        await producer.send({
          topic,
          acks: -1,
          messages: Array.from({ length: 10 }, (_, n) => ({ partition: n % 2, value: `m${n}` })),
        });
        const offsets = await admin.fetchTopicOffsets(topic);
        expect(offsets.map((o) => [o.partition, o.high]).sort()).toEqual([
          [0, '5'],
          [1, '5'],
        ]);
      } finally {
        await producer.disconnect();
        await admin.disconnect();
      }
    }
    const wrong = new Kafka({
      brokers: [secure.tlsBootstrap!],
      ssl: { ca: [ca] },
      sasl: { mechanism: 'plain', username: 'tina', password: 'nope' },
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    }).admin();
    await expect(wrong.connect()).rejects.toThrow(/SASL|Authentication/i);
  });

  it('the socket cap counts TLS sockets and refuses the next one before its handshake; oversized requests close the TLS connection', async () => {
    const first = await RawKafkaClient.openTls(capped.handle.ports.kafka_tls!, { ca });
    const second = await RawKafkaClient.openTls(capped.handle.ports.kafka_tls!, { ca });
    try {
      await expect(RawKafkaClient.openTls(capped.handle.ports.kafka_tls!, { ca })).rejects.toThrow();
      // the admitted ones are served
      const versions = await first.request(ApiKey.ApiVersions, 3, {
        clientSoftwareName: 'raw',
        clientSoftwareVersion: '1',
      });
      expect(versions['errorCode']).toBe(0);
      // a frame larger than max_request_bytes closes that connection only
      const size = Buffer.alloc(4);
      size.writeInt32BE(1024 * 1024);
      second.send(size);
      expect(await second.closedByPeer()).toBe(true);
    } finally {
      first.socket.destroy();
      second.socket.destroy();
    }
  });

  it('FindCoordinator names the port of the listener asked on; advertise_port / advertise_tls_port replace the bound ports', async () => {
    const coordinatorPort = async (client: RawKafkaClient) =>
      (await client.request(ApiKey.FindCoordinator, 1, { key: 'a-group', keyType: 0 }))['port'];
    const plain = await RawKafkaClient.open(open.handle.ports.kafka);
    const tls = await RawKafkaClient.openTls(open.handle.ports.kafka_tls!, { ca });
    try {
      expect(await coordinatorPort(plain)).toBe(open.handle.ports.kafka);
      expect(await coordinatorPort(tls)).toBe(open.handle.ports.kafka_tls);
    } finally {
      plain.socket.destroy();
      tls.socket.destroy();
    }

    const cert = pki.issue('natted');
    const natted = await startTestKafkaBroker({
      placement: [open.placementAddress],
      id: 5,
      sections: {
        node: { cluster_name: 'natted' },
        network: { advertise_port: 19092, advertise_tls_port: 19093 },
        tls: { cert_file: cert.certFile, key_file: cert.keyFile },
      },
    });
    const brokersSeen = async (client: RawKafkaClient) =>
      (
        (await client.request(ApiKey.Metadata, 1, { topics: [] }))['brokers'] as {
          nodeId: number;
          port: number;
        }[]
      ).map((b) => [b.nodeId, b.port]);
    const viaPlain = await RawKafkaClient.open(natted.handle.ports.kafka);
    const viaTls = await RawKafkaClient.openTls(natted.handle.ports.kafka_tls!, { ca });
    try {
      expect(await brokersSeen(viaPlain)).toEqual([[5, 19092]]);
      expect(await brokersSeen(viaTls)).toEqual([[5, 19093]]);
    } finally {
      viaPlain.socket.destroy();
      viaTls.socket.destroy();
      await natted.stop();
    }
  });

  it('mutual TLS (verify_client): kcat with a client certificate from the CA gets in, one without is refused in the handshake', async () => {
    const server = pki.issue('mtls-broker');
    const client = pki.issue('kcat-client');
    const mtls = await startTestKafkaBroker({
      placement: [open.placementAddress],
      id: 6,
      sections: {
        node: { cluster_name: 'mtls' },
        network: { plaintext_enabled: false },
        tls: {
          cert_file: server.certFile,
          key_file: server.keyFile,
          ca_file: pki.caFile,
          verify_client: true,
        },
      },
    });
    try {
      const withCert = [
        ...ssl(),
        ...kcatProps({ 'ssl.certificate.location': client.certFile, 'ssl.key.location': client.keyFile }),
      ];
      await kcat(mtls.tlsBootstrap!, [...withCert, '-P', '-t', 'mtls', '-p', '0'], 'signed\n');
      expect(await kcatRead(mtls.tlsBootstrap!, 'mtls', { args: withCert })).toEqual(['signed']);
      await expect(kcat(mtls.tlsBootstrap!, [...ssl(), '-L', '-m', '2'])).rejects.toThrow();
    } finally {
      await mtls.stop();
    }
  });

  it('a broker told to serve no plaintext listener and given no certificate does not start', async () => {
    await expect(
      startTestKafkaBroker({
        placement: [open.placementAddress],
        id: 4,
        sections: { network: { plaintext_enabled: false } },
      }),
    ).rejects.toThrow(/plaintext_enabled = false needs tls.cert_file/);
  });
});
