// Picks and opens the broker's AuthStorageAdapter from `[auth] storage`: "placement" over the broker's placement
// client, "mysql" from the mysql_* keys. Any other value is a start-up error naming the valid ones (the config schema
// refuses it too; this covers configs built in code).
import type { Logger } from '@robustmq/common';
import type { PlacementClient } from '@robustmq/placement-client';
import type { MqttBrokerConfig } from '../config.js';
import { AUTH_STORAGE_TYPES, type AuthStorageAdapter } from './auth-storage-adapter.js';
import { MySqlAuthStorage, type MySqlAuthOptions } from './mysql-auth-storage.js';
import { PlacementAuthStorage } from './placement-auth-storage.js';

type AuthConfig = MqttBrokerConfig['auth'];

/** the connection from mysql_url when set (host and port from it; user, password and database from it when it has
 * them, else from the separate keys, so a password can stay out of the URL), else from the separate keys. */
export function mysqlAuthOptions(auth: AuthConfig): MySqlAuthOptions {
  const tables = {
    user: auth.mysql_user_table,
    acl: auth.mysql_acl_table,
    blacklist: auth.mysql_blacklist_table,
  };
  const base = {
    host: auth.mysql_host,
    port: auth.mysql_port,
    user: auth.mysql_user,
    password: auth.mysql_password,
    database: auth.mysql_database,
    poolSize: auth.mysql_pool_size,
    tables,
  };
  if (auth.mysql_url === '') return base;
  const url = new URL(auth.mysql_url);
  const database = decodeURIComponent(url.pathname.replace(/^\/+/, ''));
  if (database !== '' && !/^[A-Za-z0-9_$]{1,64}$/.test(database)) {
    throw new Error(
      `[auth] mysql_url names the database "${database}"; it must be 1-64 letters, digits, '_' or '$'`,
    );
  }
  return {
    ...base,
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : 3306,
    user: url.username ? decodeURIComponent(url.username) : base.user,
    password: url.password ? decodeURIComponent(url.password) : base.password,
    database: database || base.database,
  };
}

export async function openAuthStorage(
  auth: AuthConfig,
  placement: PlacementClient | undefined,
  logger: Logger,
): Promise<AuthStorageAdapter> {
  const type: string = auth.storage;
  switch (type) {
    case 'placement':
      if (!placement)
        throw new Error(
          '[auth] storage = "placement" needs [placement] enabled = true: users live in the placement center',
        );
      return new PlacementAuthStorage(placement);
    case 'mysql':
      return MySqlAuthStorage.open(mysqlAuthOptions(auth), logger);
    default:
      throw new Error(
        `unknown [auth] storage "${type}"; valid: ${AUTH_STORAGE_TYPES.map((t) => `"${t}"`).join(', ')}`,
      );
  }
}
