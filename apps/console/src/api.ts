// The console's one way to the server: same-origin fetches to the placement center's admin API (which reads the
// brokers' and journal servers' APIs on our behalf), with the admin token, when one is set, as a bearer header.
// Errors come back as ApiError carrying the API's `{code, message}`, which forms show next to the field it names.

const TOKEN_KEY = 'robustmq.adminToken';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let token: string | null = sessionStorage.getItem(TOKEN_KEY);
const unauthorizedListeners = new Set<() => void>();

export function setToken(value: string | null): void {
  token = value;
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export const hasToken = () => token !== null;

/** Called when any request is refused for want of a (valid) token: the app shows the login form. */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiError(0, 'UNAVAILABLE', 'the placement center cannot be reached');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    throw new ApiError(
      res.status,
      'BAD_RESPONSE',
      `the server answered ${res.status} with something that is not JSON`,
    );
  }
  if (!res.ok) {
    const err = (json ?? {}) as { code?: string; message?: string };
    if (res.status === 401) for (const l of unauthorizedListeners) l();
    throw new ApiError(
      res.status,
      err.code ?? 'ERROR',
      err.message ?? `request failed with status ${res.status}`,
    );
  }
  return json as T;
}

export const seg = encodeURIComponent;

/** A page of a list the placement center merges across brokers: its rows, and the brokers that did not answer. */
export interface Merged<R> {
  rows: R[];
  more: boolean;
  total: number;
  errors: { nodeId: number; message: string }[];
}

/** One page (100 rows) of `/api/v1/console/<list>`: clients, sessions, subscriptions, topics, retained. */
export function mergedPage<R>(list: string, search: string, startAfter: string): Promise<Merged<R>> {
  return api<Merged<R>>(
    'GET',
    `/api/v1/console/${list}${query({ search, start_after: startAfter, limit: 100 })}`,
  );
}

export function query(params: Record<string, string | number | undefined>): string {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

/**
 * Which of a form's fields an API message is about: fastify names `body/<field>`, the metadata checks name the field
 * itself (`subject_value must be …`, `subjectValue …`), in snake_case or camelCase.
 */
export function fieldOf(message: string, fields: readonly string[]): string | undefined {
  const snake = (f: string) => f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  let best: { field: string; at: number } | undefined;
  for (const field of fields) {
    for (const name of new Set([field, snake(field)])) {
      const re = new RegExp(`(^|[^A-Za-z0-9_])${name}([^A-Za-z0-9_]|$)`);
      const m = re.exec(message);
      if (m && (!best || m.index < best.at)) best = { field, at: m.index };
    }
  }
  return best?.field;
}
