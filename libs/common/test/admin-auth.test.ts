// `[http] admin_token` / `admin_tokens` / `admin_read_tokens` as services resolve them (env overrides, merging,
// clear errors), and the start-up warning only for an open admin API on a non-loopback host. The check itself is
// attacked against the three real servers in apps/cli/test/admin-auth-bypass.test.ts.
import { expect, it } from 'vitest';
import { captureLogger } from '@robustmq/testing';
import {
  ConfigError,
  adminAuthKeys,
  adminTokens,
  loadConfig,
  section,
  warnIfAdminApiOpen,
  z,
  type AdminAuth,
} from '@robustmq/common';

const schema = z.strictObject({ http: section(adminAuthKeys()) });

it('is off by default; tokens come from the keys and ROBUSTMQ_HTTP_* (comma-separated lists)', () => {
  expect(adminTokens(loadConfig(schema, { env: {} }).http)).toEqual({ full: [], read: [] });
  const env = {
    ROBUSTMQ_HTTP_ADMIN_TOKEN: 'old',
    ROBUSTMQ_HTTP_ADMIN_TOKENS: 'new,old',
    ROBUSTMQ_HTTP_ADMIN_READ_TOKENS: 'ro',
  };
  expect(adminTokens(loadConfig(schema, { env }).http)).toEqual({ full: ['old', 'new'], read: ['ro'] });
});

it('refuses a token that cannot travel in a header, and one listed as both full and read-only', () => {
  expect(() => loadConfig(schema, { env: {}, overrides: { http: { admin_tokens: ['has space'] } } })).toThrow(
    /http.admin_tokens.0 .*printable ASCII/,
  );
  expect(() => loadConfig(schema, { env: {}, overrides: { http: { admin_read_tokens: [''] } } })).toThrow(
    /must not be empty/,
  );
  expect(() => adminTokens({ admin_token: 'a b', admin_tokens: [], admin_read_tokens: [] })).toThrow(
    ConfigError,
  );
  expect(() => adminTokens({ admin_token: 'x', admin_tokens: [], admin_read_tokens: ['x'] })).toThrow(
    /also a full admin token/,
  );
});

it('warns at start only when no token is set and the host is not loopback', () => {
  const { logger, lines } = captureLogger();
  const open: AdminAuth = { enabled: false, routes: [] };
  warnIfAdminApiOpen(logger, open, '127.0.0.1', 9982, 'the MQTT broker');
  warnIfAdminApiOpen(logger, { enabled: true, routes: [] }, '0.0.0.0', 9982, 'the MQTT broker');
  expect(lines).toHaveLength(0);
  warnIfAdminApiOpen(logger, open, '0.0.0.0', 9982, 'the MQTT broker');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain('the MQTT broker HTTP admin API (port 9982): open to anyone');
  expect(lines[0]).toContain('admin_tokens');
});
