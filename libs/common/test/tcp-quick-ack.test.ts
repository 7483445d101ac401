// quickAck on real loopback sockets: a client with Nagle's algorithm on (no TCP_NODELAY) holds a small write while
// its previous one is unacknowledged, and a server that owes a reply (it answered the client's first message at once,
// so Linux treats the connection as request-response and delays its acknowledgements for the reply) lets that write
// sit for its delayed-ACK timer (tens of ms) — unless it sends the acknowledgement at once with quickAck after each
// read.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { quickAck, quickAckAvailable } from '../src/net/tcp-quick-ack.js';

let server: Server | undefined;
const clients: Socket[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/**
 * One connection per trial: "hello" answered at once, then two 100-byte messages 2 ms apart, neither answered. Returns
 * per trial how long the second message took from the client's write to the server's read (ms).
 */
async function secondMessageDelays(withQuickAck: boolean, trials: number): Promise<number[]> {
  const arrivals: ((at: number) => void)[] = [];
  server = createServer({ noDelay: true }, (socket) => {
    let seen = 0;
    socket.on('data', (chunk) => {
      const at = performance.now();
      if (withQuickAck) quickAck(socket);
      for (const byte of chunk) {
        if (byte !== 0x0a) continue; // one message per newline
        seen++;
        if (seen === 1) socket.write('welcome\n');
        else arrivals.shift()?.(at);
      }
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const message = `${'x'.repeat(99)}\n`;
  const delays: number[] = [];
  for (let t = 0; t < trials; t++) {
    const client = connect({ port, host: '127.0.0.1' }); // Nagle on, as MQTT.js leaves it
    clients.push(client);
    await new Promise<void>((resolve) => client.once('connect', resolve));
    client.write('hello\n');
    await new Promise<void>((resolve) => client.once('data', () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 5));
    client.write(message); // goes out: nothing unacknowledged
    const first = new Promise<number>((resolve) => arrivals.push(resolve));
    await new Promise((resolve) => setTimeout(resolve, 2));
    const sentAt = performance.now();
    const second = new Promise<number>((resolve) => arrivals.push(resolve));
    client.write(message); // held by Nagle until the first is acknowledged
    await first;
    delays.push((await second) - sentAt);
    client.destroy();
  }
  return delays;
}

describe.runIf(process.platform === 'linux')('quickAck', () => {
  it('is available on Linux (koffi loads libc)', () => {
    expect(quickAckAvailable()).toBe(true);
  });

  it("sends the acknowledgement at once, so a Nagle client's next write is not held for the delayed ACK", async () => {
    // best of several trials: the kernel's delayed ACK is a floor no trial gets under, a busy machine only adds
    const held = Math.min(...(await secondMessageDelays(false, 5)));
    const quick = Math.min(...(await secondMessageDelays(true, 5)));
    expect(held).toBeGreaterThanOrEqual(15);
    expect(quick).toBeLessThan(10);
  });

  it('says false for what has no descriptor', () => {
    expect(quickAck(undefined)).toBe(false);
    expect(quickAck({})).toBe(false);
  });
});
