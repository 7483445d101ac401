// The in-process link between a JournalConnection and a data server of the same process (local-link.ts): frames go
// both ways through in-memory streams, each write arrives as a copy, an end that is destroyed fails the other side's
// pending requests with UNAVAILABLE at once (as a broken socket does), and an address no longer registered is dialled
// over TCP again.
import { expect, it } from 'vitest';
import {
  FrameDecoder,
  JOURNAL_MESSAGE,
  JournalConnection,
  REPLY_FLAG,
  encodeFrame,
  isJournalError,
  parseBody,
  registerLocalDataServer,
  type LocalSocket,
} from '../src/journal/index.js';

/** a data server that answers every frame with its header echoed, and hands each connection to `onSocket`. */
function echoServer(onSocket: (socket: LocalSocket) => void = () => {}) {
  return (socket: LocalSocket) => {
    onSocket(socket);
    const decoder = new FrameDecoder(
      1 << 20,
      (type, id, body) => {
        const { header, data } = parseBody(body);
        const parts = encodeFrame(type | REPLY_FLAG, id, { ...header, seen: data.length }, [data]);
        socket.cork();
        for (const p of parts) socket.write(p);
        socket.uncork();
        // reuse the buffers once written (as a socket allows): the client must have been handed a copy
        setImmediate(() => {
          for (const p of parts) p.fill(0);
        });
      },
      () => socket.destroy(),
    );
    socket.on('data', (chunk: Buffer) => decoder.push(chunk));
  };
}

it('answers requests over the link, each write arriving as a copy the writer may reuse', async () => {
  const unregister = registerLocalDataServer('127.0.0.1:1', echoServer());
  const c = new JournalConnection('127.0.0.1:1');
  try {
    const replies = await Promise.all(
      [1, 2, 3].map((i) => c.request(JOURNAL_MESSAGE.Read, { n: i }, [Buffer.alloc(i * 10, i)])),
    );
    expect(replies.map((r) => [r.header['n'], r.header['seen'], r.data.length])).toEqual([
      [1, 10, 10],
      [2, 20, 20],
      [3, 30, 30],
    ]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(replies[2]!.data.every((b) => b === 3)).toBe(true);
  } finally {
    c.close();
    unregister();
  }
});

it('fails what is pending with UNAVAILABLE when the server end is destroyed, and dials TCP once unregistered', async () => {
  let server: LocalSocket | undefined;
  const unregister = registerLocalDataServer('127.0.0.1:1', (socket) => {
    server = socket; // takes requests, never answers
  });
  const c = new JournalConnection('127.0.0.1:1');
  const pending = c.request(JOURNAL_MESSAGE.Read, { waitMs: 20_000 }, [], 30_000).catch((e: unknown) => e);
  await new Promise((resolve) => setTimeout(resolve, 20));
  server!.destroy();
  const err = await pending;
  expect(isJournalError(err, 'UNAVAILABLE')).toBe(true);
  unregister();
  // nothing listens on port 1: the connection is refused over TCP
  const afterwards = await c.request(JOURNAL_MESSAGE.Read, {}, [], 5_000).catch((e: unknown) => e);
  expect(isJournalError(afterwards, 'UNAVAILABLE')).toBe(true);
  expect(String((afterwards as Error).message)).toMatch(/cannot connect/);
  c.close();
});
