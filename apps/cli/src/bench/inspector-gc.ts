// A full garbage collection in a broker under the idle-connections bench, asked for through the V8 inspector the
// bench opened on loopback for that broker (`--inspect=127.0.0.1:0`, a random port; nothing in the product). Why:
// the settled reading depends on which of V8's memory-reducer GCs happened to fall inside the sampling window (the
// first leaves ~600–700 B per connection of free old-space pages that the second and third release), so it spreads
// by hundreds of bytes between runs; after `HeapProfiler.collectGarbage` every run is read in the same state, live
// memory plus what V8 keeps after a full collection, before and after the connections.
import WebSocket from 'ws';

/** Node prints this on stderr when it starts with --inspect */
const LISTENING = /Debugger listening on (ws:\/\/\S+)/;

/** The inspector's WebSocket address from the broker's own output, once it has printed it. */
export function inspectorUrlIn(output: string): string | undefined {
  return LISTENING.exec(output)?.[1];
}

/** Runs `HeapProfiler.collectGarbage` in the process behind `url` and waits for its answer. */
export async function collectGarbage(url: string, timeoutMs = 60_000): Promise<void> {
  const socket = new WebSocket(url);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`inspector gave no answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      socket.once('open', () =>
        socket.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' })),
      );
      socket.on('message', (data: WebSocket.RawData) => {
        const reply = JSON.parse(String(data)) as { id?: number; error?: { message: string } };
        if (reply.id !== 1) return;
        clearTimeout(timer);
        if (reply.error) reject(new Error(`inspector: ${reply.error.message}`));
        else resolve();
      });
    });
  } finally {
    socket.close();
  }
}
