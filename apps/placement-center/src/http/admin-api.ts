// The admin API's metadata routes (cluster status, MQTT users / ACL / blacklist / topic-rewrite and auto-subscribe rules, journal shards) in one scope that
// maps metadata errors to `{code, message}` answers.
import type { FastifyInstance } from 'fastify';
import type { ClusterStatusSource } from '../cluster/cluster-status.js';
import type { JournalMetadata } from '../journal/journal-metadata.js';
import type { MqttAcl } from '../mqtt/mqtt-acl.js';
import type { MqttBlacklist } from '../mqtt/mqtt-blacklist.js';
import type { MqttResources } from '../mqtt/mqtt-resources.js';
import type { MqttUsers } from '../mqtt/mqtt-users.js';
import { clusterRoutes } from './cluster-routes.js';
import { journalRoutes } from './journal-routes.js';
import { installMetadataErrors } from './metadata-errors.js';
import { mqttAclRoutes } from './mqtt-acl-routes.js';
import { mqttBlacklistRoutes } from './mqtt-blacklist-routes.js';
import { mqttRuleRoutes } from './mqtt-rule-routes.js';
import { mqttUserRoutes } from './mqtt-user-routes.js';

export interface MetadataApiDeps {
  status: ClusterStatusSource;
  users: MqttUsers;
  acl: MqttAcl;
  blacklist: MqttBlacklist;
  resources: MqttResources;
  journal: JournalMetadata;
}

export async function metadataApi(app: FastifyInstance, deps: MetadataApiDeps) {
  installMetadataErrors(app);
  await app.register(clusterRoutes, deps);
  await app.register(mqttUserRoutes, deps);
  await app.register(mqttAclRoutes, deps);
  await app.register(mqttBlacklistRoutes, deps);
  await app.register(mqttRuleRoutes, deps);
  await app.register(journalRoutes, deps);
}
