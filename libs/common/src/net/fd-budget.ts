// How many sockets a process may hold, derived from its open-file limit: every socket is a file descriptor, and a
// process out of descriptors cannot open a segment file, a RocksDB table, a gRPC or Raft connection — so one
// listener flooded with idle sockets would take every service of the process down (issue 11, item 3). Each
// listener's default cap comes from here; a part of the limit is always kept back for storage and the cluster's own
// connections.
import { readFileSync } from 'node:fs';

/** used when the limit cannot be read (not Linux): the common default soft limit. */
const FALLBACK_LIMIT = 1024;

/** The soft "Max open files" limit of this process, from /proc/self/limits; undefined when it cannot be read or is
 * unlimited. */
export function openFileLimit(limitsText?: string): number | undefined {
  let text = limitsText;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/limits', 'utf8');
    } catch {
      return undefined;
    }
  }
  const match = /^Max open files\s+(\S+)/m.exec(text);
  const soft = match ? Number(match[1]) : NaN;
  return Number.isSafeInteger(soft) && soft > 0 ? soft : undefined;
}

export interface FdBudget {
  /** the open-file limit the budget was derived from. */
  limit: number;
  /** descriptors kept back for storage files, RocksDB, gRPC, Raft and journal replication connections. */
  reserved: number;
  /** default cap of one HTTP admin listener: operators and Prometheus need a handful of connections. */
  adminHttpConnections: number;
  /** default cap of the client-facing sockets (all MQTT listeners together; a Kafka broker's, later). */
  clientConnections: number;
  /** default cap of a cluster-internal data listener (the journal data port: brokers' and peers' connections). */
  clusterConnections: number;
}

const clamp = (n: number, min: number, max: number) => Math.min(max, Math.max(min, n));

/**
 * The budget for a given limit: a fifth of it (at least 256, at most 8192) reserved, each admin HTTP listener 1/64
 * (16..256), and the client listeners the rest less three admin listeners' worth (placement, journal and broker can
 * share one process) — at least 64, so a tiny limit still serves someone. A cluster data listener (the journal data
 * port) gets 1/16 (64..2048), taken from the reserved part: its peers are brokers and journal servers, not clients.
 */
export function fdBudget(limit = openFileLimit() ?? FALLBACK_LIMIT): FdBudget {
  const reserved = clamp(Math.floor(limit / 5), 256, 8192);
  const adminHttpConnections = clamp(Math.floor(limit / 64), 16, 256);
  const clientConnections = Math.max(64, limit - reserved - 3 * adminHttpConnections);
  const clusterConnections = clamp(Math.floor(limit / 16), 64, 2048);
  return { limit, reserved, adminHttpConnections, clientConnections, clusterConnections };
}
