// The APIs this broker offers, with the versions it answers (what ApiVersions lists). A new API is a handler file
// and one entry here; its request and response are declared in @robustmq/protocol/kafka.
import { apiVersions } from './api-versions.js';
import type { ApiHandler } from './context.js';
import { fetch } from './fetch.js';
import { findCoordinator } from './find-coordinator.js';
import { deleteGroups, describeGroups, listGroups } from './group-admin.js';
import { heartbeat, joinGroup, leaveGroup, syncGroup } from './group-membership.js';
import { offsetCommit, offsetFetch } from './group-offsets.js';
import { initProducerId } from './init-producer-id.js';
import { listOffsets } from './list-offsets.js';
import { metadata } from './metadata.js';
import { produce } from './produce.js';
import { saslAuthenticate, saslHandshake } from './sasl.js';
import { createPartitions, createTopics, deleteTopics } from './topics-admin.js';

export const HANDLERS: readonly ApiHandler[] = [
  produce,
  fetch,
  listOffsets,
  metadata,
  saslHandshake,
  apiVersions,
  createTopics,
  deleteTopics,
  saslAuthenticate,
  createPartitions,
  offsetCommit,
  offsetFetch,
  findCoordinator,
  joinGroup,
  heartbeat,
  leaveGroup,
  syncGroup,
  describeGroups,
  listGroups,
  initProducerId,
  deleteGroups,
];
