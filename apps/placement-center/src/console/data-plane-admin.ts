// How the placement center reads the brokers' and journal servers' HTTP admin APIs on the web console's behalf, so
// the browser talks to one origin with one token. Nodes are found in the node registry (host + registered `http`
// port) — never from the request — so the console cannot be pointed at an arbitrary host. The caller's own
// Authorization header is forwarded and placement adds no credential of its own: each node still decides with its
// own token check, and the console can do nothing there that its token could not do directly.
import type { NodeRegistry, RegisteredNode } from '../cluster/node-registry.js';

export type DataPlaneKind = 'MQTT_BROKER' | 'JOURNAL_SERVER';

export interface DataNode {
  nodeId: number;
  /** http://host:port of its admin API. */
  base: string;
  node: RegisteredNode;
}

export interface NodeAnswer {
  /** the node's HTTP status; 0 when it could not be reached. */
  status: number;
  /** its JSON body, or `{code, message}` made here when it was unreachable or answered something else. */
  body: unknown;
}

export interface DataPlaneAdminOptions {
  /** how long one request to a node may take. */
  timeoutMs?: number;
}

export class DataPlaneAdmin {
  private readonly timeoutMs: number;

  constructor(
    private readonly registry: NodeRegistry,
    options: DataPlaneAdminOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 3000;
  }

  nodes(kind: DataPlaneKind): DataNode[] {
    return this.registry
      .list(kind)
      .filter((n) => Number.isInteger(n.ports.http) && (n.ports.http ?? 0) > 0)
      .map((n) => ({ nodeId: n.nodeId, base: `http://${hostForUrl(n.host)}:${n.ports.http}`, node: n }))
      .sort((a, b) => a.nodeId - b.nodeId);
  }

  node(kind: DataPlaneKind, nodeId: number): DataNode | undefined {
    return this.nodes(kind).find((n) => n.nodeId === nodeId);
  }

  /** `path` is built by the caller from fixed text and encoded parts, starting with `/`. */
  async request(
    node: DataNode,
    method: string,
    path: string,
    authorization: string | undefined,
  ): Promise<NodeAnswer> {
    try {
      const res = await fetch(node.base + path, {
        method,
        headers: authorization ? { authorization } : {},
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
      });
      const text = await res.text();
      try {
        return { status: res.status, body: JSON.parse(text) as unknown };
      } catch {
        return {
          status: res.status,
          body: { code: 'BAD_GATEWAY', message: `node ${node.nodeId} answered ${res.status} with no JSON` },
        };
      }
    } catch (err) {
      return {
        status: 0,
        body: {
          code: 'UNAVAILABLE',
          message: `node ${node.nodeId} (${node.base}) is not reachable: ${reason(err)}`,
        },
      };
    }
  }

  /** The node's /metrics text (public on every node), or undefined when it cannot be read. */
  async metrics(node: DataNode): Promise<string | undefined> {
    try {
      const res = await fetch(`${node.base}/metrics`, {
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
      });
      return res.ok ? await res.text() : undefined;
    } catch {
      return undefined;
    }
  }
}

function hostForUrl(host: string): string {
  // a node bound to every interface is reached on this machine's loopback; IPv6 literals need brackets in a URL
  if (host === '0.0.0.0' || host === '' || host === '::') return '127.0.0.1';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function reason(err: unknown): string {
  if (err instanceof Error && err.name === 'TimeoutError') return 'timed out';
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}
