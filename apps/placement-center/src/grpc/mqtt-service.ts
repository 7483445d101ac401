// gRPC MqttService: users (with broker authentication), ACL rules, the blacklist, broker state resources and
// shared-subscription group leaders, over the MQTT metadata classes (which validate, hash passwords and propose the
// commands). Writes pass the request's request_id on, so a retried write takes effect once and answers like its first
// attempt.
import type { MqttResource, MqttServiceHandlers } from '@robustmq/protocol';
import { invalid } from '../metadata/metadata-error.js';
import type { MqttAcl } from '../mqtt/mqtt-acl.js';
import type { MqttBlacklist } from '../mqtt/mqtt-blacklist.js';
import type { MqttResources } from '../mqtt/mqtt-resources.js';
import type { MqttUsers } from '../mqtt/mqtt-users.js';
import type { SharedGroupLeaders } from '../mqtt/shared-group-leaders.js';
import type { StoredResource } from '../state/mqtt-records.js';
import { writeOptions } from '../metadata/write-options.js';
import { unary } from './grpc-errors.js';

export interface MqttMetadata {
  users: MqttUsers;
  acl: MqttAcl;
  blacklist: MqttBlacklist;
  resources: MqttResources;
  sharedGroups: SharedGroupLeaders;
}

function toResource(r: StoredResource): MqttResource {
  return {
    type: r.type,
    key: r.key,
    json: JSON.stringify(r.record),
    payload: Buffer.from(r.payload, 'base64'),
    updatedAtMs: r.updatedAtMs,
  };
}

export function mqttServiceHandlers(mqtt: MqttMetadata): MqttServiceHandlers {
  return {
    CreateUser: unary(async (request) => ({ user: await mqtt.users.create(request, writeOptions(request)) })),
    UpdateUser: unary(async (request) => ({
      user: await mqtt.users.update(
        request.username,
        {
          ...(request.password ? { password: request.password } : {}),
          ...(request.superuser ? { superuser: request.superuser.value } : {}),
        },
        writeOptions(request),
      ),
    })),
    DeleteUser: unary(async (request) => {
      await mqtt.users.delete(request.username, writeOptions(request));
      return {};
    }),
    GetUser: unary(async (request) => ({ user: await mqtt.users.get(request.username) })),
    ListUsers: unary(async (request) => mqtt.users.list(request.startAfter, request.limit)),
    AuthenticateUser: unary(async (request) => mqtt.users.authenticate(request.username, request.password)),
    GetScramCredential: unary(async (request) => {
      const c = await mqtt.users.scramCredential(request.username, request.mechanism);
      if (!c) return { found: false };
      const b = (s: string) => Buffer.from(s, 'base64');
      return {
        found: true,
        salt: b(c.salt),
        iterations: c.iterations,
        storedKey: b(c.storedKey),
        serverKey: b(c.serverKey),
      };
    }),

    CreateAclRule: unary(async (request) => {
      if (!request.rule) throw invalid('rule is required');
      return { rule: await mqtt.acl.create(request.rule, writeOptions(request)) };
    }),
    DeleteAclRule: unary(async (request) => {
      await mqtt.acl.delete(request.id, writeOptions(request));
      return {};
    }),
    ListAclRules: unary(async () => ({ rules: await mqtt.acl.list() })),

    CreateBlacklistEntry: unary(async (request) => {
      if (!request.entry) throw invalid('entry is required');
      return { entry: (await mqtt.blacklist.put(request.entry, writeOptions(request))).entry };
    }),
    DeleteBlacklistEntry: unary(async (request) => {
      await mqtt.blacklist.delete(request.type, request.value, writeOptions(request));
      return {};
    }),
    ListBlacklist: unary(async () => ({ entries: await mqtt.blacklist.list() })),

    PutResource: unary(async (request) => {
      if (!request.resource) throw invalid('resource is required');
      const { type, key, json, payload } = request.resource;
      const result = await mqtt.resources.put({ type, key, json, payload }, writeOptions(request));
      return { resource: toResource(result.resource), created: result.created };
    }),
    GetResource: unary(async (request) => ({
      resource: toResource(await mqtt.resources.get(request.type, request.key)),
    })),
    DeleteResource: unary(async (request) => {
      await mqtt.resources.delete(request.type, request.key, writeOptions(request));
      return {};
    }),
    ListResources: unary(async (request) => {
      const page = await mqtt.resources.list(request.type, {
        keyPrefix: request.keyPrefix,
        startAfter: request.startAfter,
        limit: request.limit,
      });
      return { resources: page.resources.map(toResource), more: page.more };
    }),

    GetShareSubLeader: unary(async (request) => {
      const broker = await mqtt.sharedGroups.leaderOf(request.groupName, writeOptions(request));
      return { brokerNodeId: broker.nodeId, host: broker.host, ports: broker.ports };
    }),
  };
}
