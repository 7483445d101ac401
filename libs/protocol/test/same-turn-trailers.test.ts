// Same-turn trailers (same-turn-trailers.ts): a unary reply and its status leave the server in one event-loop turn.
// A TCP relay in this process sits between a real grpc-js client and server: the relay reads in the poll phase, so a
// status sent one turn after its reply reaches it as a second chunk, and one sent in the same turn in the same chunk.
// The first test shows Node's own behaviour (two chunks per reply) before the replacement is installed for the
// process; the others show one chunk per reply and that statuses, trailing metadata, errors and streams still arrive.
import { createServer, connect, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { afterEach, expect, it } from 'vitest';
import { sameTurnTrailers, sameTurnTrailersState } from '../src/grpc/same-turn-trailers.js';

const raw = (b: Buffer): Buffer => b;
/** a method of the test service: raw bytes both ways */
const method = (name: string, responseStream: boolean) => ({
  path: `/test.T/${name}`,
  requestStream: false,
  responseStream,
  requestSerialize: raw,
  requestDeserialize: raw,
  responseSerialize: raw,
  responseDeserialize: raw,
});
const definition: grpc.ServiceDefinition = {
  Echo: method('Echo', false),
  Fail: method('Fail', false),
  Count: method('Count', true),
};

const handlers: grpc.UntypedServiceImplementation = {
  Echo: ((call, callback) => {
    const trailer = new grpc.Metadata();
    trailer.set('x-served-by', 'echo');
    trailer.add('x-many', 'a');
    trailer.add('x-many', 'b');
    // answered from a later turn, as the placement center's handlers are (after the Raft commit)
    setImmediate(() => callback(null, Buffer.concat([Buffer.from('echo:'), call.request]), trailer));
  }) satisfies grpc.handleUnaryCall<Buffer, Buffer>,
  Fail: ((_call, callback) => {
    setImmediate(() => callback({ code: grpc.status.NOT_FOUND, details: 'no such thing' }));
  }) satisfies grpc.handleUnaryCall<Buffer, Buffer>,
  Count: ((call) => {
    for (let i = 0; i < 3; i++) call.write(Buffer.from(String(i)));
    call.end();
  }) satisfies grpc.handleServerStreamingCall<Buffer, Buffer>,
};

interface Rig {
  client: grpc.Client;
  /** chunks the relay received from the server so far */
  chunks(): number;
  close(): Promise<void>;
}

async function rig(options: grpc.ServerOptions): Promise<Rig> {
  const server = new grpc.Server(options);
  server.addService(definition, handlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  let fromServer = 0;
  const sockets: Socket[] = [];
  const relay: NetServer = createServer((downstream) => {
    const upstream = connect(port, '127.0.0.1');
    sockets.push(downstream, upstream);
    downstream.on('data', (d) => upstream.write(d));
    upstream.on('data', (d) => {
      fromServer++;
      downstream.write(d);
    });
    downstream.on('close', () => upstream.destroy());
    upstream.on('close', () => downstream.destroy());
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const Client = grpc.makeGenericClientConstructor(definition, 'T');
  const client = new Client(
    `127.0.0.1:${(relay.address() as AddressInfo).port}`,
    grpc.credentials.createInsecure(),
  );
  return {
    client,
    chunks: () => fromServer,
    async close() {
      client.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => relay.close(() => resolve()));
      server.forceShutdown();
    },
  };
}

function echo(client: grpc.Client, text: string): Promise<{ reply: string; trailer: grpc.Metadata }> {
  return new Promise((resolve, reject) => {
    let reply: string | undefined;
    const call = (client as unknown as Record<string, CallableFunction>)['Echo']!(
      Buffer.from(text),
      (err: grpc.ServiceError | null, value?: Buffer) => (err ? reject(err) : (reply = value!.toString())),
    ) as grpc.ClientUnaryCall;
    // the status (with the trailing metadata) is reported after the callback
    call.on('status', (s: grpc.StatusObject) => {
      if (s.code === grpc.status.OK) resolve({ reply: reply!, trailer: s.metadata });
    });
  });
}

/** Chunks per reply over `calls` sequential calls (after one call that also carries the connection's set-up). */
async function chunksPerReply(r: Rig, calls: number): Promise<number> {
  await echo(r.client, 'warm');
  const before = r.chunks();
  for (let i = 0; i < calls; i++) expect((await echo(r.client, `m${i}`)).reply).toBe(`echo:m${i}`);
  return (r.chunks() - before) / calls;
}

let open: Rig | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

it("without it, Node's HTTP/2 sends a unary reply's status one turn after the reply", async () => {
  expect(sameTurnTrailersState()).toBe('pending');
  open = await rig({});
  expect(await chunksPerReply(open, 20)).toBeGreaterThanOrEqual(1.9);
});

it('sends the status in the same turn as the reply, with its trailing metadata', async () => {
  const unsupported: string[] = [];
  open = await rig({ interceptors: [sameTurnTrailers((reason) => unsupported.push(reason))] });
  expect(await chunksPerReply(open, 20)).toBe(1);
  expect(unsupported).toEqual([]);
  expect(sameTurnTrailersState()).toBe('installed');
  const { trailer } = await echo(open.client, 'x');
  expect(trailer.get('x-served-by')).toEqual(['echo']);
  expect(trailer.get('x-many')).toEqual(['a, b']);
});

it('leaves errors and server streams working', async () => {
  open = await rig({ interceptors: [sameTurnTrailers()] });
  const client = open.client as unknown as Record<string, CallableFunction>;
  const err = await new Promise<grpc.ServiceError>((resolve) =>
    client['Fail']!(Buffer.from('x'), (e: grpc.ServiceError) => resolve(e)),
  );
  expect(err.code).toBe(grpc.status.NOT_FOUND);
  expect(err.details).toBe('no such thing');
  const got: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const stream = client['Count']!(Buffer.from('')) as grpc.ClientReadableStream<Buffer>;
    stream.on('data', (d: Buffer) => got.push(d.toString()));
    stream.on('error', reject);
    stream.on('status', (s: grpc.StatusObject) => (s.code === grpc.status.OK ? resolve() : reject(s)));
  });
  expect(got).toEqual(['0', '1', '2']);
  // and unary calls still complete after the stream
  expect((await echo(open.client, 'after')).reply).toBe('echo:after');
});
