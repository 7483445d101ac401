// Typed entry points to the placement center's MqttService (users, ACL, blacklist, broker state resources).
import { grpcService, placementProtos } from './loader.js';
import type { MqttServiceClient } from '../generated/robustmq/placement/MqttService.js';

export type { MqttServiceClient, MqttServiceHandlers } from '../generated/robustmq/placement/MqttService.js';
export type { MqttUser, MqttUser__Output } from '../generated/robustmq/placement/MqttUser.js';
export type { AclRule, AclRule__Output } from '../generated/robustmq/placement/AclRule.js';
export type { AclPermission__Output as AclPermission } from '../generated/robustmq/placement/AclPermission.js';
export type { AclAction__Output as AclAction } from '../generated/robustmq/placement/AclAction.js';
export type { AclSubjectType__Output as AclSubjectType } from '../generated/robustmq/placement/AclSubjectType.js';
export type {
  BlacklistEntry,
  BlacklistEntry__Output,
} from '../generated/robustmq/placement/BlacklistEntry.js';
export type { BlacklistType__Output as BlacklistType } from '../generated/robustmq/placement/BlacklistType.js';
export type { MqttResource, MqttResource__Output } from '../generated/robustmq/placement/MqttResource.js';
export type { MqttResourceType__Output as MqttResourceType } from '../generated/robustmq/placement/MqttResourceType.js';

const mqtt = grpcService<MqttServiceClient>(() => placementProtos().mqtt.robustmq.placement.MqttService);
export const mqttServiceDefinition = mqtt.definition;
export const newMqttClient = mqtt.newClient;
