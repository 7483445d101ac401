// Free ports for services that must know their port before they start (a Raft member list, a child process's
// config, a server restarted at the same address). Port 0 is better wherever the service can report what it bound.
import { freePort as probeFreePort } from '@robustmq/common';

// The probe closes its socket before the port is used, so two callers in one process could be handed the same
// port; never hand one out twice.
const handedOut = new Set<number>();

export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await probeFreePort();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('test kit: no free port found that was not handed out already');
}

export async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < count; i++) ports.push(await freePort());
  return ports;
}
