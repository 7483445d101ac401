// `robustmq health`: the probe a container's HEALTHCHECK (and `robustmq cluster status`) runs. `robustmq start`
// writes the roles it runs and their bound ports to <data-dir>/robustmq-ports.json; the probe reads that file and
// GETs every role's HTTP /health, so one image serves every role without the probe knowing the configuration.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const PORTS_FILE = 'robustmq-ports.json';

export interface PortsRecord {
  pid: number;
  roles: string[];
  ports: Record<string, Record<string, number>>;
}

export function writePortsFile(dataDir: string, record: PortsRecord): void {
  writeFileSync(join(dataDir, PORTS_FILE), JSON.stringify(record, null, 2) + '\n');
}

export function removePortsFile(dataDir: string): void {
  rmSync(join(dataDir, PORTS_FILE), { force: true });
}

export function readPortsFile(dataDir: string): PortsRecord {
  const path = join(dataDir, PORTS_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new Error(
      `${path} not found: no \`robustmq start\` is running with this data dir (or it has not started yet)`,
    );
  }
  return JSON.parse(text) as PortsRecord;
}

export interface RoleHealth {
  role: string;
  url: string;
  ok: boolean;
  detail: string;
}

/** GETs /health of every role in the record, in parallel; a role is healthy on a 200 answer. */
export async function probeHealth(
  record: PortsRecord,
  host = '127.0.0.1',
  timeoutMs = 3000,
): Promise<RoleHealth[]> {
  return Promise.all(
    record.roles.map(async (role) => {
      const port = record.ports[role]?.http;
      const url = `http://${host}:${port}/health`;
      if (!port) return { role, url, ok: false, detail: 'no HTTP port recorded' };
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
        const body = await res.text();
        return { role, url, ok: res.status === 200, detail: `${res.status} ${body.trim()}` };
      } catch (err) {
        const cause = (err as { cause?: { code?: string } }).cause?.code;
        return { role, url, ok: false, detail: cause ?? (err as Error).message };
      }
    }),
  );
}
