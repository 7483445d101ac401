// Runs aedes-persistence's upstream abstract test suite (node:test) against the broker's SessionPersistence, as
// compiled to dist/ — the same class the broker uses — over a real StorageAdapter. Started by
// aedes-persistence.test.ts with `node --test`; ADAPTER=memory|rocksdb|journal picks the adapter (journal: PLACEMENT
// names the placement center of a running journal cluster, and every instance gets a placement namespace of its own).
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { createLogger } from '@robustmq/common';
import { createStorageAdapter } from '@robustmq/storage-adapter';
// the kit's subpath without vitest: this file runs under node --test
import { removeDir, tempDir } from '@robustmq/testing/temp-dir';
import { SessionPersistence } from '../dist/storage/session-persistence.js';

const require = createRequire(import.meta.url);
const abstractPersistence = require('aedes-persistence/abstract.js');
const type = process.env.ADAPTER ?? 'rocksdb';
const logger = createLogger({ service: 'aedes-abstract', level: 'silent' });
let instances = 0;

abstractPersistence({
  test,
  testAsync: true,
  // the suite's default emitter (mqemitter) is not installed; it only backs a broadcast feature this persistence
  // does not use, and an EventEmitter offers the same emit/on/removeListener
  buildEmitter: () => new EventEmitter(),
  persistence: async () => {
    const dataDir = tempDir('aedes-abstract');
    const storage = await createStorageAdapter(
      type === 'journal'
        ? {
            type,
            journal: {
              placementAddresses: [process.env.PLACEMENT],
              namespace: `aedes-${process.pid}-${++instances}`,
            },
          }
        : { type, dataDir },
    );
    const persistence = await SessionPersistence.open(storage, logger);
    const destroy = persistence.destroy.bind(persistence);
    // the broker owns its storage; here each instance owns a fresh one, released with it
    persistence.destroy = async () => {
      await destroy();
      await storage.close();
      removeDir(dataDir);
    };
    return persistence;
  },
});
