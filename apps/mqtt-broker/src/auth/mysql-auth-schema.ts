// The tables of the MySQL auth storage (names configurable), created on start when missing. Operators write them with
// plain SQL (docs: apps/mqtt-broker/README.md, "Users and ACL in MySQL"), so the columns use ENUMs and NULLs a person
// can type, and the strict SQL mode of MySQL/MariaDB refuses values the broker would not understand.
import { escapeId } from 'mysql2';

export interface AuthTables {
  user: string;
  acl: string;
  blacklist: string;
}

export function authSchemaDdl(t: AuthTables): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${escapeId(t.user)} (
      username VARCHAR(255) NOT NULL PRIMARY KEY,
      -- $scrypt$ln=14,r=8,p=1$<salt>$<hash>, as printed by hash-password.js (same scheme as placement)
      password_hash VARCHAR(255) NOT NULL,
      is_superuser TINYINT(1) NOT NULL DEFAULT 0,
      created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
    `CREATE TABLE IF NOT EXISTS ${escapeId(t.acl)} (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      permission ENUM('allow', 'deny') NOT NULL,
      action ENUM('publish', 'subscribe', 'all') NOT NULL DEFAULT 'all',
      -- who the rule is for: a user name, a client id, an IP or CIDR, or everybody ('all', value ignored)
      subject_type ENUM('user', 'client_id', 'ip', 'all') NOT NULL,
      subject_value VARCHAR(255) NOT NULL DEFAULT '',
      -- an MQTT topic filter; %u and %c stand for the client's user name and client id
      topic VARCHAR(1024) NOT NULL,
      -- lower first; the first matching rule decides
      priority INT NOT NULL DEFAULT 0
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
    `CREATE TABLE IF NOT EXISTS ${escapeId(t.blacklist)} (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
      type ENUM('client_id', 'user', 'ip', 'cidr') NOT NULL,
      value VARCHAR(255) NOT NULL,
      -- NULL: never expires
      expires_at TIMESTAMP(3) NULL DEFAULT NULL,
      reason VARCHAR(1024) NOT NULL DEFAULT ''
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
  ];
}
