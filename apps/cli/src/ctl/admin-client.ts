// The HTTP side of robust-ctl: calls the admin APIs of placement members, brokers and journal servers with the admin
// bearer token, and turns every failure into one CtlError line a user can act on (an unreachable address, a
// `{code, message}` answer) — never a stack trace.

export class CtlError extends Error {
  constructor(
    message: string,
    /** process exit code: 1 = the operation failed, 2 = bad usage */
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export interface AdminClientOptions {
  /** placement members' HTTP admin base URLs (any member answers reads; writes are retried on the next member when
   * one answers NOT_LEADER) */
  placement: string[];
  adminToken?: string;
  timeoutMs: number;
}

export interface HttpAnswer {
  status: number;
  body: unknown;
  headers: Headers;
}

function describeNetworkError(err: unknown): string {
  const e = err as { name?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'timed out';
  return e.cause?.code ?? e.cause?.message ?? (err as Error).message;
}

export function normalizeBase(address: string): string {
  const withScheme = /^https?:\/\//.test(address) ? address : `http://${address}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new CtlError(`"${address}" is not an address (expected host:port or http://host:port)`, 2);
  }
  return url.origin;
}

export class AdminClient {
  constructor(private readonly options: AdminClientOptions) {}

  /** One request to one base URL; network failures become CtlError, HTTP answers are returned as they are. */
  async request(base: string, method: string, path: string, body?: unknown): Promise<HttpAnswer> {
    const headers: Record<string, string> = {};
    if (this.options.adminToken) headers.authorization = `Bearer ${this.options.adminToken}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(base + path, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (err) {
      throw new CtlError(`cannot reach ${base}: ${describeNetworkError(err)}`);
    }
    const text = await res.text();
    let parsed: unknown = undefined;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  /** Throws the answer's `{code, message}` as a CtlError unless it is a 2xx. */
  static ok(answer: HttpAnswer, what: string): unknown {
    if (answer.status >= 200 && answer.status < 300) return answer.body;
    const body = answer.body as { code?: string; message?: string } | undefined;
    if (answer.status === 401) {
      throw new CtlError(
        `${what}: ${body?.message ?? 'unauthenticated'} (set --admin-token or ROBUSTMQ_ADMIN_TOKEN)`,
      );
    }
    throw new CtlError(`${what}: ${body?.code ?? answer.status}${body?.message ? `: ${body.message}` : ''}`);
  }

  /** A call to the placement center: members are tried in order until one is reachable and, for a write that a
   * follower refuses with NOT_LEADER, until the leader takes it. */
  async placement(method: string, path: string, body?: unknown): Promise<unknown> {
    const failures: string[] = [];
    let last: HttpAnswer | undefined;
    for (const base of this.options.placement) {
      let answer: HttpAnswer;
      try {
        answer = await this.request(base, method, path, body);
      } catch (err) {
        failures.push((err as Error).message);
        continue;
      }
      last = answer;
      if (answer.status === 503 && (answer.body as { code?: string } | undefined)?.code === 'NOT_LEADER')
        continue;
      return AdminClient.ok(answer, `${method} ${path}`);
    }
    if (last) {
      // every reachable member answered NOT_LEADER: the leader is not among the addresses given
      const leader = last.headers.get('x-robustmq-leader');
      const message = (last.body as { message?: string } | undefined)?.message ?? 'not the leader';
      throw new CtlError(
        `${method} ${path}: NOT_LEADER: ${message}${leader ? ` (leader at gRPC ${leader})` : ''}; pass every member's HTTP admin address with --placement`,
      );
    }
    throw new CtlError(`placement center unreachable: ${failures.join('; ')}`);
  }
}
