// Helpers for servers that bind ports: listen and learn the bound port (port 0 picks a free one), and free ports
// for services that must know their port before they start (a Raft member list, a child process's config, a server
// restarted at the same address; benchmarks and tests). Port 0 is better wherever the service can report what it
// bound.
//
// Free ports come from below the kernel's ephemeral range (ip_local_port_range, 32768–60999 here): a port the kernel
// picked for a probe is free only until the kernel picks it again — for another bind(0) or as the local port of an
// outgoing connection — and a loaded machine opens thousands of those between our probe and the service's listen
// (EADDRINUSE seen in e2e tests and benchmarks at load 16–20). Below that range the only competitors are other callers
// of this function, each starting at a random point and probing before it hands a port out.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';

export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** True for addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

const LOW = 15_000;
const FALLBACK_EPHEMERAL_LOW = 32_768;
const handedOut = new Set<number>();
let high: number | undefined;
let next = -1;

function rangeEnd(): number {
  if (high === undefined) {
    let ephemeralLow = FALLBACK_EPHEMERAL_LOW;
    try {
      const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
        .trim()
        .split(/\s+/)
        .map(Number);
      if (low && low > LOW + 2_000) ephemeralLow = low;
    } catch {
      // not Linux: keep the IANA default
    }
    high = ephemeralLow;
  }
  return high;
}

// Bind the wildcard address: it fails if anything listens on the port on any local address.
function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  const end = rangeEnd();
  const size = end - LOW;
  if (next < 0) next = Math.floor(Math.random() * size);
  for (let attempt = 0; attempt < 500; attempt++) {
    const port = LOW + (next++ % size);
    if (handedOut.has(port)) continue;
    if (await canBind(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port in ${LOW}..${end - 1} after 500 probes`);
}

export async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < count; i++) ports.push(await freePort());
  return ports;
}
