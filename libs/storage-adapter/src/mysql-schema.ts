// The tables of the mysql StorageAdapter (all InnoDB, created on start with IF NOT EXISTS). Shards are referred to by
// a numeric id everywhere but in rmq_shards, so a deleted shard's rows can never leak into a new shard of the same
// name, and deleting a shard is one UPDATE (name → NULL) before its rows are purged.
//
//   rmq_shards        id, name (NULL while its rows are purged), options, start_offset, next_offset, max_timestamp.
//                     next_offset is the truth for offset assignment: appends lock this row (SELECT … FOR UPDATE).
//   rmq_records       (shard_id, offset) PK; timestamp, record_key + key_hash (SHA-256, indexed with offset),
//                     tags and headers (JSON), payload, payload_size, crc (the record codec's CRC-32).
//   rmq_record_tags   (shard_id, tag_hash, offset) PK: the tag index, one row per distinct tag of a record.
//   rmq_time_index    (shard_id, timestamp) PK → offset, written when a shard's running max timestamp grows.
//   rmq_group_offsets (shard_id, group_name) PK → offset.
//   rmq_schema        the schema version, so a later version can migrate or refuse.

export const SCHEMA_VERSION = 1;

export const SCHEMA_DDL: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS rmq_schema (
     id TINYINT UNSIGNED NOT NULL PRIMARY KEY,
     version INT UNSIGNED NOT NULL
   ) ENGINE=InnoDB`,
  `CREATE TABLE IF NOT EXISTS rmq_shards (
     id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
     name VARBINARY(255) NULL,
     max_records_per_segment BIGINT NOT NULL,
     retention_ms BIGINT NULL,
     start_offset BIGINT NOT NULL DEFAULT 0,
     next_offset BIGINT NOT NULL DEFAULT 0,
     max_timestamp BIGINT NOT NULL DEFAULT -1,
     UNIQUE KEY uk_shard_name (name)
   ) ENGINE=InnoDB`,
  `CREATE TABLE IF NOT EXISTS rmq_records (
     shard_id BIGINT UNSIGNED NOT NULL,
     \`offset\` BIGINT NOT NULL,
     \`timestamp\` BIGINT NOT NULL,
     record_key BLOB NULL,
     key_hash BINARY(32) NULL,
     tags LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
     headers LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
     payload LONGBLOB NOT NULL,
     payload_size INT UNSIGNED NOT NULL,
     crc INT UNSIGNED NOT NULL,
     PRIMARY KEY (shard_id, \`offset\`),
     KEY ix_record_key (shard_id, key_hash, \`offset\`)
   ) ENGINE=InnoDB`,
  `CREATE TABLE IF NOT EXISTS rmq_record_tags (
     shard_id BIGINT UNSIGNED NOT NULL,
     tag_hash BINARY(32) NOT NULL,
     \`offset\` BIGINT NOT NULL,
     PRIMARY KEY (shard_id, tag_hash, \`offset\`),
     KEY ix_tag_offset (shard_id, \`offset\`)
   ) ENGINE=InnoDB`,
  `CREATE TABLE IF NOT EXISTS rmq_time_index (
     shard_id BIGINT UNSIGNED NOT NULL,
     \`timestamp\` BIGINT NOT NULL,
     \`offset\` BIGINT NOT NULL,
     PRIMARY KEY (shard_id, \`timestamp\`)
   ) ENGINE=InnoDB`,
  `CREATE TABLE IF NOT EXISTS rmq_group_offsets (
     shard_id BIGINT UNSIGNED NOT NULL,
     group_name VARBINARY(255) NOT NULL,
     \`offset\` BIGINT NOT NULL,
     PRIMARY KEY (shard_id, group_name)
   ) ENGINE=InnoDB`,
];

/** tables holding a shard's rows, purged by shard_id when the shard is deleted. */
export const SHARD_DATA_TABLES = [
  'rmq_records',
  'rmq_record_tags',
  'rmq_time_index',
  'rmq_group_offsets',
] as const;
