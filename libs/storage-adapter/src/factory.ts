// Picks a StorageAdapter implementation from configuration. An unknown type is an error naming the valid ones; types
// that are designed but not built yet say so instead of silently falling back to another store.
import { join } from 'node:path';
import { JournalStorageAdapter, type JournalStorageOptions } from './journal-adapter.js';
import { MemoryStorageAdapter } from './memory-adapter.js';
import type { MySqlStorageOptions } from './mysql-config.js';
import { MySqlStorageAdapter } from './mysql-adapter.js';
import { RocksDbStorageAdapter } from './rocksdb-adapter.js';
import type { StorageAdapter } from './storage-adapter.js';
import { StorageError } from './storage-error.js';

export const STORAGE_TYPES = ['memory', 'rocksdb', 'journal', 'mysql'] as const;
export type StorageType = (typeof STORAGE_TYPES)[number];

/**
 * `type` picks the implementation; the other fields are that implementation's: `dataDir` for rocksdb, and for mysql
 * `url` (mysql://user:password@host:3306/database) or `host`/`port`/`user`/`password`/`database`, plus `poolSize`,
 * `pollIntervalMs`, `queryTimeoutMs` (see mysql-config.ts).
 */
export interface StorageConfig extends MySqlStorageOptions {
  type: StorageType;
  /** the service's data directory; the rocksdb adapter keeps its database in `<dataDir>/storage`. */
  dataDir?: string;
  /** for 'journal': the placement center to find the journal cluster through, and the shard defaults. */
  journal?: JournalStorageOptions;
}

/** the directory the rocksdb adapter uses for a given data directory. */
export function rocksDbStoragePath(dataDir: string): string {
  return join(dataDir, 'storage');
}

export async function createStorageAdapter(config: StorageConfig): Promise<StorageAdapter> {
  // config usually comes from a TOML file, so its type is checked here too, not only by the compiler
  const type = (config as { type?: unknown } | undefined)?.type;
  switch (type) {
    case 'memory':
      return new MemoryStorageAdapter();
    case 'rocksdb': {
      if (typeof config.dataDir !== 'string' || config.dataDir.length === 0) {
        throw new StorageError(
          'INVALID_ARGUMENT',
          "storage type 'rocksdb' needs dataDir: the directory to keep its database in (it uses <dataDir>/storage)",
        );
      }
      return RocksDbStorageAdapter.open(rocksDbStoragePath(config.dataDir));
    }
    case 'mysql': {
      const { type: _type, dataDir: _dataDir, ...mysql } = config;
      return MySqlStorageAdapter.open(mysql);
    }
    case 'journal': {
      if (
        !config.journal ||
        !Array.isArray(config.journal.placementAddresses) ||
        config.journal.placementAddresses.length === 0
      ) {
        throw new StorageError(
          'INVALID_ARGUMENT',
          "storage type 'journal' needs journal.placementAddresses: the placement center's gRPC host:port list",
        );
      }
      return new JournalStorageAdapter(config.journal);
    }
    default:
      throw new StorageError(
        'INVALID_ARGUMENT',
        `unknown storage type ${JSON.stringify(type)}; valid types: ${STORAGE_TYPES.join(', ')} ` +
          `(implemented: memory, rocksdb, journal, mysql)`,
      );
  }
}
