// `[cluster] auth_token` / `auth_token_file` as services resolve them: env override, the file (trimmed), clear
// errors for an unreadable or empty file or both keys at once, and the start-up warning only when the token is off
// on a non-loopback host.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { captureLogger, tempDir, testScope } from '@robustmq/testing';
import {
  ConfigError,
  clusterAuthKeys,
  clusterAuthToken,
  loadConfig,
  section,
  warnIfClusterAuthOff,
  z,
} from '@robustmq/common';

const schema = z.strictObject({ cluster: section(clusterAuthKeys()) });
const dir = tempDir('cluster-auth', testScope());

it('is off by default and read from ROBUSTMQ_CLUSTER_AUTH_TOKEN', () => {
  expect(clusterAuthToken(loadConfig(schema, { env: {} }).cluster)).toBeUndefined();
  expect(
    clusterAuthToken(loadConfig(schema, { env: { ROBUSTMQ_CLUSTER_AUTH_TOKEN: 's3cret' } }).cluster),
  ).toBe('s3cret');
});

it('reads auth_token_file, without its trailing newline', () => {
  const path = join(dir, 'token');
  writeFileSync(path, 'from-file\n');
  expect(clusterAuthToken({ auth_token: '', auth_token_file: path })).toBe('from-file');
});

it('refuses both keys at once, a missing file and an empty one, naming the key', () => {
  const empty = join(dir, 'empty');
  writeFileSync(empty, '\n');
  expect(() => clusterAuthToken({ auth_token: 'a', auth_token_file: empty })).toThrow(
    /auth_token and cluster.auth_token_file are both set/,
  );
  expect(() => clusterAuthToken({ auth_token: '', auth_token_file: join(dir, 'missing') })).toThrow(
    ConfigError,
  );
  expect(() => clusterAuthToken({ auth_token: '', auth_token_file: join(dir, 'missing') })).toThrow(
    /cluster.auth_token_file: cannot read/,
  );
  expect(() => clusterAuthToken({ auth_token: '', auth_token_file: empty })).toThrow(/is empty/);
});

it('warns at start only when the token is off and the host is not loopback', () => {
  const { logger, lines } = captureLogger();
  warnIfClusterAuthOff(logger, undefined, '127.0.0.1', 'x');
  warnIfClusterAuthOff(logger, 'set', '0.0.0.0', 'x');
  expect(lines).toHaveLength(0);
  warnIfClusterAuthOff(logger, undefined, '0.0.0.0', 'placement gRPC');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain('[cluster] auth_token');
});
