// The authenticator chain (`[auth] chain`) against real brokers with a real placement center: JWTs signed here with
// `jose` (HMAC secret, an EC key published in a JWKS file, an RSA key as a PEM file) and an HTTP auth service
// started by the test. Right credentials connect (with the token's username, superuser flag and ACL), wrong and
// expired ones are refused with Bad user name or password, a token that runs out while connected ends the connection
// (MQTT 5: DISCONNECT 0xA0 Maximum connect time), passwords that are no token fall through to the HTTP service and to
// placement's users, and an HTTP service that is down, slow or answers outside the contract refuses the client as
// Server unavailable (fail-closed) — each in MQTT 5 and 3.1.1.
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SignJWT, exportJWK, exportSPKI, generateKeyPair, type JWTPayload } from 'jose';
import mqtt, {
  type IClientOptions,
  type IConnackPacket,
  type IDisconnectPacket,
  type MqttClient,
} from 'mqtt';
import { beforeAll, describe, expect, it } from 'vitest';
import { connectResult, sleep, tempDir, testScope } from '@robustmq/testing';
import { startTestBroker, type TestBroker } from '@robustmq/testing/broker';
import { startTestPlacement } from '@robustmq/testing/placement';

/** jose's key type (a WebCrypto PrivateKey; the DOM lib that names it is not loaded here). */
type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

const SECRET = 'a-long-enough-hmac-secret-for-hs256';
const scope = testScope();
const dir = tempDir('auth-chain', scope);
let hmacBroker: TestBroker;
let jwksBroker: TestBroker;
let rsaHttpBroker: TestBroker;
let http: Server;
let httpRequests = 0;
let ecKey: PrivateKey;
let otherEcKey: PrivateKey;
let rsaKey: PrivateKey;

const nowS = () => Math.floor(Date.now() / 1000);

function sign(
  claims: JWTPayload,
  key: PrivateKey | Uint8Array,
  alg: string,
  options: { kid?: string; expiresInS?: number } = {},
): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg, ...(options.kid ? { kid: options.kid } : {}) })
    .setIssuedAt()
    .setExpirationTime(nowS() + (options.expiresInS ?? 60))
    .sign(key);
}
const hs256 = (claims: JWTPayload, expiresInS?: number, secret = SECRET) =>
  sign(claims, new TextEncoder().encode(secret), 'HS256', expiresInS === undefined ? {} : { expiresInS });

/** The HTTP auth service: behaves by user name, counts requests. */
async function startHttpAuth(): Promise<string> {
  const body = (req: IncomingMessage) =>
    new Promise<Record<string, unknown>>((resolve) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => resolve(JSON.parse(text) as Record<string, unknown>));
    });
  http = createServer((req, res) => {
    httpRequests++;
    void body(req).then(async (b) => {
      const json = (status: number, value: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      switch (b['username']) {
        case 'http-user':
          return b['password'] === 'right' && b['clientId'] !== undefined && b['ip'] !== undefined
            ? json(200, { result: 'allow', acl: { all: ['http/%u/#'] } })
            : json(200, { result: 'deny' });
        case 'http-401':
          return json(401, { message: 'no' });
        case 'http-slow':
          await sleep(1_500);
          return json(200, { result: 'allow' });
        case 'http-garbage':
          return res.writeHead(200, { 'content-type': 'text/plain' }).end('yes please');
        default:
          // not the service's user: placement's users decide
          return json(200, { result: 'ignore' });
      }
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  scope.defer(() => {
    http.closeAllConnections();
    http.close();
  });
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}/mqtt/auth`;
}

beforeAll(async () => {
  const placement = scope.add(await startTestPlacement());
  const users = placement.client();
  await users.mqtt.createUser('stored', 'stored-pw');
  await users.mqtt.createUser('ignored-by-http', 'pw');

  const ec = await generateKeyPair('ES256');
  ecKey = ec.privateKey;
  otherEcKey = (await generateKeyPair('ES256')).privateKey;
  const jwksFile = join(dir, 'jwks.json');
  writeFileSync(
    jwksFile,
    JSON.stringify({ keys: [{ ...(await exportJWK(ec.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] }),
  );
  const rsa = await generateKeyPair('RS256');
  rsaKey = rsa.privateKey;
  const pemFile = join(dir, 'rsa.pem');
  writeFileSync(pemFile, await exportSPKI(rsa.publicKey));
  const httpUrl = await startHttpAuth();

  const broker = async (auth: Record<string, unknown>) =>
    scope.add(
      await startTestBroker(
        {},
        {
          storage: 'memory',
          placement: [placement.grpcAddress],
          sections: { auth: { allow_anonymous: false, acl_default: 'allow', ...auth } },
        },
      ),
    );
  hmacBroker = await broker({ chain: ['jwt', 'storage'], jwt_secret: SECRET });
  jwksBroker = await broker({ chain: ['jwt'], jwt_jwks_file: jwksFile, jwt_audience: 'robustmq' });
  rsaHttpBroker = await broker({
    chain: ['jwt', 'http', 'storage'],
    jwt_public_key_file: pemFile,
    http_url: httpUrl,
    http_timeout_ms: 300,
  });
});

/** The CONNACK a CONNECT gets (MQTT 5, to read its reason string); the client stays with the scope. */
function connackOf(broker: TestBroker, options: IClientOptions): Promise<IConnackPacket> {
  return new Promise((resolve) => {
    const client = mqtt.connect(broker.url, { protocolVersion: 5, reconnectPeriod: 0, ...options });
    scope.add(client, (c) => c.endAsync(true), 'MQTT client');
    client.on('error', () => undefined);
    client.on('packetreceive', (p) => {
      if (p.cmd === 'connack') resolve(p);
    });
  });
}

let clients = 0;
/** The CONNACK code `username` with `password` gets, in both protocol versions: [MQTT 5 reason code, 3.1.1 return
 * code]; each call a client id of its own. */
async function codes(broker: TestBroker, username: string, password: string): Promise<[number, number]> {
  const options = { clientId: `auth-${++clients}`, username, password };
  const v5 = await connectResult(broker.url, { ...options, protocolVersion: 5 }, scope);
  const v4 = await connectResult(broker.url, { ...options, protocolVersion: 4 }, scope);
  return [v5.code, v4.code];
}

/** An MQTT.js client of `broker` logged in as `username` (MQTT 5 unless told), closed with the scope. */
async function loggedIn(
  broker: TestBroker,
  clientId: string,
  username: string,
  password: string,
  protocolVersion: 4 | 5 = 5,
): Promise<MqttClient> {
  const client = await mqtt.connectAsync(broker.url, {
    protocolVersion,
    clientId,
    reconnectPeriod: 0,
    username,
    password,
  });
  return scope.add(client, (c) => c.endAsync(true), 'MQTT client');
}

const ACCEPTED: [number, number] = [0, 0];
const BAD_CREDENTIALS: [number, number] = [0x86, 4];
const UNAVAILABLE: [number, number] = [0x88, 3];

describe('JWT with an HMAC secret, chained before placement passwords', () => {
  it('admits a right token under its username claim and refuses a wrong or expired one', async () => {
    const token = await hs256({ username: 'alice' });
    expect(await codes(hmacBroker, 'alice', token)).toEqual(ACCEPTED);
    expect(await codes(hmacBroker, 'mallory', token)).toEqual(BAD_CREDENTIALS);
    expect(
      await codes(
        hmacBroker,
        'alice',
        await hs256({ username: 'alice' }, 60, 'another-secret-of-enough-length!'),
      ),
    ).toEqual(BAD_CREDENTIALS);
    expect(await codes(hmacBroker, 'alice', await hs256({ username: 'alice' }, -10))).toEqual(
      BAD_CREDENTIALS,
    );
  });

  it('says why in the MQTT 5 CONNACK', async () => {
    const expired = await connackOf(hmacBroker, {
      clientId: 'jwt-why-1',
      username: 'alice',
      password: await hs256({ username: 'alice' }, -10),
    });
    expect(expired.reasonCode).toBe(0x86);
    expect(expired.properties?.reasonString).toBe('token expired');
    const forged = await connackOf(hmacBroker, {
      clientId: 'jwt-why-2',
      username: 'alice',
      password: await hs256({ username: 'alice' }, 60, 'another-secret-of-enough-length!'),
    });
    expect(forged.properties?.reasonString).toMatch(
      /invalid token \(ERR_JWS_SIGNATURE_VERIFICATION_FAILED\)/,
    );
  });

  it("applies the token's ACL claim and superuser flag", async () => {
    const limited = await loggedIn(
      hmacBroker,
      'jwt-acl',
      'carol',
      await hs256({ username: 'carol', acl: { pub: ['carol/out/#'], sub: ['carol/in/%c'] } }),
    );
    expect((await limited.subscribeAsync('carol/in/jwt-acl', { qos: 1 }))[0]?.qos).toBe(1);
    await expect(limited.subscribeAsync('carol/out/x', { qos: 1 })).rejects.toThrow(/Not authorized/);
    await limited.publishAsync('carol/out/1', 'ok', { qos: 1 });
    await expect(limited.publishAsync('elsewhere', 'no', { qos: 1 })).rejects.toMatchObject({ code: 0x87 });
    const root = await loggedIn(
      hmacBroker,
      'jwt-root',
      'root',
      await hs256({ username: 'root', superuser: true, acl: { pub: [] } }),
    );
    expect((await root.subscribeAsync('anything/#', { qos: 1 }))[0]?.qos).toBe(1);
  });

  it('passes a password that is no token on to placement users', async () => {
    expect(await codes(hmacBroker, 'stored', 'stored-pw')).toEqual(ACCEPTED);
    expect(await codes(hmacBroker, 'stored', 'wrong')).toEqual(BAD_CREDENTIALS);
  });

  it('ends the connection when the token expires (MQTT 5: DISCONNECT Maximum connect time)', async () => {
    const v5 = await loggedIn(hmacBroker, 'exp-5', 'dave', await hs256({ username: 'dave' }, 2));
    const v4 = await loggedIn(hmacBroker, 'exp-4', 'dave', await hs256({ username: 'dave' }, 2), 4);
    const connectedAt = Date.now();
    const disconnect = new Promise<IDisconnectPacket>((resolve) => v5.once('disconnect', resolve));
    const closed = new Promise<void>((resolve) => v4.once('close', () => resolve()));
    expect((await disconnect).reasonCode).toBe(0xa0);
    await closed;
    // exp has whole seconds: the end comes within the token's last second, not before it started
    expect(Date.now() - connectedAt).toBeGreaterThan(900);
  });
});

describe('JWT with a JWKS file (ES256)', () => {
  it('admits a token from the published key with the right audience and refuses others', async () => {
    const erin = async (key: PrivateKey, aud: string, options: { expiresInS?: number } = {}) =>
      codes(
        jwksBroker,
        'erin',
        await sign({ username: 'erin', aud }, key, 'ES256', { kid: 'k1', ...options }),
      );
    expect(await erin(ecKey, 'robustmq')).toEqual(ACCEPTED);
    expect(await erin(otherEcKey, 'robustmq')).toEqual(BAD_CREDENTIALS);
    expect(await erin(ecKey, 'elsewhere')).toEqual(BAD_CREDENTIALS);
    expect(await erin(ecKey, 'robustmq', { expiresInS: -5 })).toEqual(BAD_CREDENTIALS);
    // a chain of only "jwt": a plain password is nobody's to accept
    expect(await codes(jwksBroker, 'stored', 'stored-pw')).toEqual(BAD_CREDENTIALS);
  });
});

describe('JWT with an RSA public key, then an HTTP service, then placement users', () => {
  it('admits an RS256 token and refuses one signed with another key type', async () => {
    expect(await codes(rsaHttpBroker, 'frank', await sign({ username: 'frank' }, rsaKey, 'RS256'))).toEqual(
      ACCEPTED,
    );
    expect(await codes(rsaHttpBroker, 'frank', await sign({ username: 'frank' }, ecKey, 'ES256'))).toEqual(
      BAD_CREDENTIALS,
    );
    // alg confusion: an HMAC token "signed" with the public key text is refused
    expect(await codes(rsaHttpBroker, 'frank', await hs256({ username: 'frank' }))).toEqual(BAD_CREDENTIALS);
  });

  it('asks the HTTP service: right and wrong passwords, 401, and its ACL', async () => {
    expect(await codes(rsaHttpBroker, 'http-user', 'right')).toEqual(ACCEPTED);
    expect(await codes(rsaHttpBroker, 'http-user', 'wrong')).toEqual(BAD_CREDENTIALS);
    expect(await codes(rsaHttpBroker, 'http-401', 'x')).toEqual(BAD_CREDENTIALS);
    const c = await loggedIn(rsaHttpBroker, 'h-acl', 'http-user', 'right');
    expect((await c.subscribeAsync('http/http-user/#', { qos: 1 }))[0]?.qos).toBe(1);
    await expect(c.subscribeAsync('http/other/#', { qos: 1 })).rejects.toThrow(/Not authorized/);
  });

  it('passes an "ignore" answer on to placement users', async () => {
    expect(await codes(rsaHttpBroker, 'ignored-by-http', 'pw')).toEqual(ACCEPTED);
    expect(await codes(rsaHttpBroker, 'ignored-by-http', 'nope')).toEqual(BAD_CREDENTIALS);
  });

  it('caches answers for the same credentials', async () => {
    const before = httpRequests;
    for (let i = 0; i < 3; i++)
      expect(
        (
          await connectResult(
            rsaHttpBroker.url,
            { protocolVersion: 5, clientId: 'cached', username: 'http-user', password: 'right' },
            scope,
          )
        ).code,
      ).toBe(0);
    expect(httpRequests - before).toBe(1);
  });

  it('refuses as Server unavailable when the service is slow or answers outside the contract', async () => {
    expect(await codes(rsaHttpBroker, 'http-slow', 'x')).toEqual(UNAVAILABLE);
    expect(await codes(rsaHttpBroker, 'http-garbage', 'x')).toEqual(UNAVAILABLE);
  });

  it('refuses as Server unavailable when the service is down (fail-closed), tokens still work', async () => {
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
    expect(await codes(rsaHttpBroker, 'http-user', 'not-cached')).toEqual(UNAVAILABLE);
    // placement users come after the HTTP service in this chain: they are not reached either
    expect(await codes(rsaHttpBroker, 'stored', 'stored-pw')).toEqual(UNAVAILABLE);
    expect(await codes(rsaHttpBroker, 'frank', await sign({ username: 'frank' }, rsaKey, 'RS256'))).toEqual(
      ACCEPTED,
    );
  });
});
