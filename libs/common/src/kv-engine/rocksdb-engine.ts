// KvEngine on the `rocksdb` package (a leveldown-style binding); callbacks wrapped into promises and async iterators.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import rocksdbModule from 'rocksdb';
import type { BatchOp, Bytes, KvEngine, KvRangeReader, ScanOptions, WriteOptions } from './kv-engine.js';
import { prefixUpperBound } from './kv-engine.js';

// The binding is CommonJS while its typings declare a default export: at run time the import is the constructor.
type RocksDbConstructor = typeof rocksdbModule.default;
const rocksdb = rocksdbModule as unknown as RocksDbConstructor;
type Db = ReturnType<RocksDbConstructor>;
/**
 * The binding's chained batch (what rocksdb/chained-batch.js calls, below abstract-leveldown's checks): one native
 * call per operation with the key and value as arguments. The array form (`_batch` → `batch_do`) reads every
 * operation's `type`, `key` and `value` through N-API property lookups, each making a V8 string of the name first:
 * ~2 µs per operation against ~0.5 µs here (measured with string keys; the placement state machine writes ~4
 * operations per applied write, on every member).
 */
interface ChainedBatchBinding {
  batch_init(db: unknown): unknown;
  batch_put(batch: unknown, key: Bytes, value: Bytes): void;
  batch_del(batch: unknown, key: Bytes): void;
  batch_write(batch: unknown, options: { sync: boolean }, callback: (err?: Error) => void): void;
}
const binding = createRequire(import.meta.url)('rocksdb/binding.js') as ChainedBatchBinding;

function toBuffer(value: Bytes): Buffer {
  return typeof value === 'string' ? Buffer.from(value) : value;
}

/** How many bytes of entries one trip to the binding's thread may fetch (it stops at 1,000 entries anyway). */
const READ_BATCH_BYTES = 1024 * 1024;

/** The binding's range options for a ScanOptions range. */
function rangeOptions(options: ScanOptions): Record<string, unknown> {
  const range: Record<string, unknown> = {};
  if (options.prefix !== undefined) {
    const prefix = toBuffer(options.prefix);
    range.gte = prefix;
    const upper = prefixUpperBound(prefix);
    if (upper) range.lt = upper;
  }
  if (options.gt !== undefined) range.gt = toBuffer(options.gt);
  if (options.gte !== undefined) range.gte = toBuffer(options.gte);
  if (options.lt !== undefined) range.lt = toBuffer(options.lt);
  if (range.gt !== undefined && range.gte !== undefined) {
    // the stricter of the two lower bounds wins
    if (Buffer.compare(range.gt as Buffer, range.gte as Buffer) >= 0) delete range.gte;
    else delete range.gt;
  }
  return range;
}

function isNotFound(err: Error): boolean {
  return /NotFound/i.test(err.message);
}

/**
 * Every call goes through `track`: after close() it rejects with a clear error instead of reaching the binding, whose
 * native handle is freed by close (a get, batch or iterator step on it then crashes the process), and close() waits
 * for the calls already on the binding's threads and ends the open iterators before it closes the database.
 */
export class RocksDbEngine implements KvEngine {
  private closed = false;
  private closing: Promise<void> | undefined;
  /** calls handed to the binding and not answered yet. */
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  /** end() of every iterator not ended yet: close() ends them before the database. */
  private readonly openIterators = new Set<() => Promise<void>>();

  private constructor(
    private readonly db: Db,
    readonly path: string,
  ) {}

  static async open(path: string): Promise<RocksDbEngine> {
    mkdirSync(path, { recursive: true });
    const db = rocksdb(path);
    await new Promise<void>((resolve, reject) =>
      db.open({ createIfMissing: true }, (err: Error | undefined) =>
        err ? reject(new Error(`cannot open RocksDB at ${path}: ${err.message}`)) : resolve(),
      ),
    );
    return new RocksDbEngine(db, path);
  }

  private closedError(op: string): Error {
    return new Error(`RocksDB at ${this.path} is closed: ${op} refused (the process is shutting down)`);
  }

  /** runs one binding call unless closed, counted until its callback ran. */
  private track<T>(
    op: string,
    start: (resolve: (value: T) => void, reject: (err: unknown) => void) => void,
  ): Promise<T> {
    if (this.closed) return Promise.reject(this.closedError(op));
    return this.counted(start);
  }

  /** a binding call close() must wait for (also an iterator's end, which runs while closing). */
  private counted<T>(
    start: (resolve: (value: T) => void, reject: (err: unknown) => void) => void,
  ): Promise<T> {
    this.inFlight++;
    // counted down inside the binding's callback, not with .finally(): no second promise and turn per call (this sits
    // on the Raft log's and the state machine's write path)
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const settle = (): void => {
        if (settled) return;
        settled = true;
        this.callDone();
      };
      try {
        start(
          (value) => {
            settle();
            resolve(value);
          },
          (err) => {
            settle();
            reject(err);
          },
        );
      } catch (err) {
        settle();
        reject(err);
      }
    });
  }

  private callDone(): void {
    if (--this.inFlight === 0 && this.idleWaiters.length > 0)
      for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  get(key: Bytes): Promise<Buffer | undefined> {
    return this.track('get', (resolve, reject) => {
      this.db.get(toBuffer(key), { asBuffer: true }, (err, value) => {
        if (err) return isNotFound(err) ? resolve(undefined) : reject(err);
        resolve(value as Buffer);
      });
    });
  }

  getMany(keys: Bytes[]): Promise<(Buffer | undefined)[]> {
    if (keys.length === 0) return Promise.resolve([]);
    return this.track('getMany', (resolve, reject) => {
      this.db.getMany(keys.map(toBuffer), { asBuffer: true }, (err, values) => {
        if (err) return reject(err);
        resolve((values as (Buffer | undefined)[]).map((v) => v ?? undefined));
      });
    });
  }

  put(key: Bytes, value: Bytes, options: WriteOptions = {}): Promise<void> {
    return this.track('put', (resolve, reject) =>
      this.db.put(toBuffer(key), toBuffer(value), { sync: options.sync ?? true }, (err) =>
        err ? reject(err) : resolve(),
      ),
    );
  }

  delete(key: Bytes, options: WriteOptions = {}): Promise<void> {
    return this.track('delete', (resolve, reject) =>
      this.db.del(toBuffer(key), { sync: options.sync ?? true }, (err) => (err ? reject(err) : resolve())),
    );
  }

  batch(ops: BatchOp[], options: WriteOptions = {}): Promise<void> {
    if (ops.length === 0) return Promise.resolve();
    for (const op of ops) {
      if (op.key.length === 0) return Promise.reject(new Error('batch: a key must not be empty'));
    }
    // Straight to the binding's chained batch (see ChainedBatchBinding), which takes string and Buffer keys and
    // values alike and copies each into the native batch at once: abstract-leveldown's batch() copied every
    // operation (Object.assign) and this method made a Buffer of every string — per operation, on the caller's thread.
    return this.track('batch', (resolve, reject) => {
      const batch = binding.batch_init((this.db as unknown as { context: unknown }).context);
      for (const op of ops) {
        if (op.type === 'put') binding.batch_put(batch, op.key, op.value);
        else binding.batch_del(batch, op.key);
      }
      binding.batch_write(batch, { sync: options.sync ?? true }, (err) => (err ? reject(err) : resolve()));
    });
  }

  async *scan(options: ScanOptions): AsyncIterable<[Buffer, Buffer]> {
    const reader = this.reader(options);
    try {
      for (let batch = await reader.next(); batch; batch = await reader.next()) yield* batch;
    } finally {
      await reader.close();
    }
  }

  /**
   * The binding's iterator works on a RocksDB snapshot taken when it is created, and fetches up to 1,000 entries (or
   * `READ_BATCH_BYTES`) per trip to the thread pool, but hands them out one per next() call, each after a
   * process.nextTick: reading 300k records that way cost seconds of the main thread. Here a batch is taken from its
   * cache at once.
   */
  reader(options: ScanOptions): KvRangeReader {
    if (this.closed) {
      const err = this.closedError('scan');
      return { next: () => Promise.reject(err), close: () => Promise.resolve() };
    }
    const range = rangeOptions(options);
    range.keyAsBuffer = true;
    range.valueAsBuffer = true;
    range.reverse = options.reverse ?? false;
    range.limit = options.limit ?? -1;
    range.highWaterMark = READ_BATCH_BYTES;
    // rocksdb 5.x's Iterator keeps the entries of its last fetch in `cache`, last entry first (pop() = key, value)
    const iterator = this.db.iterator(range) as ReturnType<Db['iterator']> & { cache?: Buffer[] | null };
    let ended = false;
    let endedByClose = false;
    let ending: Promise<void> | undefined;
    // counted but not refused once closed: close() ends the iterators still open itself
    const end = (): Promise<void> => {
      if (ending) return ending;
      ended = true;
      this.openIterators.delete(cut);
      ending = this.counted<void>((resolve) => iterator.end(() => resolve()));
      return ending;
    };
    const cut = (): Promise<void> => {
      endedByClose = !ended;
      return end();
    };
    this.openIterators.add(cut);
    return {
      next: async () => {
        if (ended) {
          if (endedByClose) throw this.closedError('scan');
          return undefined;
        }
        const first = await this.track<[Buffer, Buffer] | undefined>('scan', (resolve, reject) =>
          iterator.next((err, key, value) => {
            if (err) return reject(err);
            resolve(key === undefined ? undefined : [key as Buffer, value as Buffer]);
          }),
        ).catch(async (err: unknown) => {
          await end();
          throw err;
        });
        if (!first) {
          await end();
          return undefined;
        }
        const batch: [Buffer, Buffer][] = [first];
        const cache = iterator.cache;
        while (cache && cache.length >= 2) batch.push([cache.pop()!, cache.pop()!]);
        return batch;
      },
      close: end,
    };
  }

  /** The binding deletes the range in batches on its own thread: no JavaScript work per key. */
  clear(range: Pick<ScanOptions, 'gt' | 'gte' | 'lt'>): Promise<void> {
    const options = rangeOptions(range);
    return this.track('clear', (resolve, reject) =>
      this.db.clear(options, (err: Error | undefined) => (err ? reject(err) : resolve())),
    );
  }

  /** refuses new calls at once; closes the database once the calls in flight are answered and the iterators ended. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      for (;;) {
        while (this.inFlight > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
        if (this.openIterators.size === 0) break;
        for (const cut of [...this.openIterators]) await cut();
      }
      await new Promise<void>((resolve, reject) => this.db.close((err) => (err ? reject(err) : resolve())));
    })();
    return this.closing;
  }
}
