// createStorageAdapter: picks an implementation by type and refuses unknown or unbuilt ones with a clear error.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, removeDir } from '@robustmq/testing';
import { createStorageAdapter, type StorageConfig } from '../src/factory.js';

describe('createStorageAdapter', () => {
  it('creates a memory adapter', async () => {
    const adapter = await createStorageAdapter({ type: 'memory' });
    expect(adapter.type).toBe('memory');
    await adapter.close();
  });

  it('creates a rocksdb adapter under <dataDir>/storage', async () => {
    const dataDir = tempDir('factory');
    try {
      const adapter = await createStorageAdapter({ type: 'rocksdb', dataDir });
      expect(adapter.type).toBe('rocksdb');
      await adapter.createShard('s');
      await adapter.close();
      expect((await stat(join(dataDir, 'storage'))).isDirectory()).toBe(true);
    } finally {
      removeDir(dataDir);
    }
  });

  it('needs dataDir for rocksdb', async () => {
    await expect(createStorageAdapter({ type: 'rocksdb' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/dataDir/),
    });
  });

  it('needs the placement addresses for journal', async () => {
    await expect(createStorageAdapter({ type: 'journal' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/placementAddresses/),
    });
  });

  it('needs url or host for mysql, and names bad mysql options', async () => {
    await expect(createStorageAdapter({ type: 'mysql' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/'mysql'.*needs url .*or host/),
    });
    await expect(createStorageAdapter({ type: 'mysql', url: 'http://x/db' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/mysql:\/\//),
    });
    await expect(
      createStorageAdapter({ type: 'mysql', host: '127.0.0.1', database: 'bad-name;' }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/database/) });
    await expect(
      createStorageAdapter({ type: 'mysql', host: '127.0.0.1', poolSize: 0 }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/poolSize/),
    });
  });

  it('names the valid types for an unknown one', async () => {
    await expect(createStorageAdapter({ type: 'redis' } as unknown as StorageConfig)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(
        /unknown storage type "redis"; valid types: memory, rocksdb, journal, mysql/,
      ),
    });
  });
});
