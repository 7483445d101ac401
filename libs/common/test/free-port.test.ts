// freePort hands out ports below the kernel's ephemeral range, each once per process, each bindable when handed out:
// a benchmark or test that tells a child process its ports in advance must not race the kernel's own port choices.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { closeServer, freePort, freePorts, listen } from '../src/index.js';

function ephemeralLow(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
  } catch {
    return 32_768;
  }
}

describe('freePort', () => {
  it('hands out distinct ports below the ephemeral range that a server can bind', async () => {
    const ports = await freePorts(20);
    expect(new Set(ports).size).toBe(20);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(15_000);
      expect(port).toBeLessThan(ephemeralLow());
    }
    const server = createServer();
    expect(await listen(server, ports[0]!, '127.0.0.1')).toBe(ports[0]);
    await closeServer(server);
  });

  it('skips a port something already listens on', async () => {
    const first = await freePort();
    // occupy the port the next probe would try, then ask again: it must not come back
    const busy = createServer();
    await listen(busy, first + 1, '0.0.0.0');
    try {
      const second = await freePort();
      expect(second).not.toBe(first + 1);
      expect(second).not.toBe(first);
    } finally {
      await closeServer(busy);
    }
  });
});
