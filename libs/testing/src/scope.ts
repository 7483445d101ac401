// A test file's (or describe block's) resources, closed for it: what a test starts goes into a scope, and the scope
// closes everything in reverse order after the block, even when a test failed half-way. One place for teardown, so
// a test file does not keep its own arrays of clients and servers to close.
import { afterAll, afterEach } from 'vitest';

/** Anything the kit starts: a server, a client, a process. */
export interface Closeable {
  close(): Promise<void> | void;
}

type Closer = () => Promise<void> | void;

export class Scope {
  private closers: { what: string; close: Closer }[] = [];

  /** Closes `resource` (its `close()`, or `close(resource)` when given) when the scope closes; returns it. */
  add<T extends object>(
    resource: T,
    close?: (resource: T) => Promise<void> | void,
    what = resource.constructor?.name ?? 'resource',
  ): T {
    const closer = close ?? (resource as Partial<Closeable>).close?.bind(resource);
    if (!closer) throw new Error(`test kit: ${what} has no close(); pass the function that closes it`);
    this.closers.push({ what, close: () => closer(resource) });
    return resource;
  }

  /** Runs `close` when the scope closes (a temp dir to remove, a timer to clear). */
  defer(close: Closer, what = 'deferred'): void {
    this.closers.push({ what, close });
  }

  /** Closes everything added, newest first. Every closer runs; the first error is thrown after all ran. */
  async close(): Promise<void> {
    const closers = this.closers.splice(0).reverse();
    let first: unknown;
    for (const { what, close } of closers) {
      try {
        await close();
      } catch (err) {
        first ??= new Error(`test kit: closing ${what} failed: ${String(err)}`, { cause: err });
      }
    }
    if (first) throw first;
  }
}

/**
 * A scope closed by vitest after the enclosing block (`'all'`, the default: the file or describe block) or after
 * every test (`'each'`). Call it at the top of a test file or inside `describe`.
 */
export function testScope(when: 'all' | 'each' = 'all'): Scope {
  const scope = new Scope();
  (when === 'each' ? afterEach : afterAll)(() => scope.close());
  return scope;
}

/**
 * A fixture's handle (`usePlacement()`, `useKafkaWithSasl()`…): each field reads what the fixture's `beforeAll` set,
 * through `values[field]()`; a read before then throws, naming the fixture.
 */
export function lateFields<T extends object>(
  fixture: string,
  values: { [K in keyof T]: () => T[K] | undefined },
): T {
  const handle = {} as T;
  for (const key of Object.keys(values) as (keyof T & string)[])
    Object.defineProperty(handle, key, {
      enumerable: true,
      get: () => {
        const value = values[key]();
        if (value === undefined)
          throw new Error(`test kit: ${fixture}() is ready in tests and in hooks after its beforeAll`);
        return value;
      },
    });
  return handle;
}
