// Per-type validation of the broker state resources (sessions, subscriptions, topics, retained and will messages,
// rules, shared-group leaders): what the key is, which JSON fields the record has, and whether a payload belongs to
// it. Records are strict, so a misspelt field is an INVALID_ARGUMENT naming it rather than silently stored.
import { z } from '@robustmq/common';
import { requireSegmentName, requireText } from '../metadata/field-checks.js';
import { invalid } from '../metadata/metadata-error.js';
import type { ResourceTypeName } from '../state/mqtt-records.js';
import { checkTopicFilter, checkTopicName } from './topic-filter.js';

const uint = () => z.number().int().min(0);
const qos = () => z.union([z.literal(0), z.literal(1), z.literal(2)]);
const properties = () => z.record(z.string(), z.unknown()).optional();
const topicFilter = () =>
  z.string().superRefine((value, ctx) => {
    try {
      checkTopicFilter('topic filter', value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  });
const subscriptionOptions = {
  topicFilter: topicFilter(),
  qos: qos(),
  noLocal: z.boolean().optional(),
  retainAsPublished: z.boolean().optional(),
  retainHandling: qos().optional(),
};

interface ResourceSpec {
  /** what the key names, for error messages. */
  keyName: string;
  checkKey(field: string, key: string): void;
  schema: z.ZodType<Record<string, unknown>>;
  hasPayload: boolean;
}

const clientIdKey = (field: string, key: string) => void requireText(field, key, 65_535);

export const RESOURCE_SPECS: Record<ResourceTypeName, ResourceSpec> = {
  SESSION: {
    keyName: 'client id',
    checkKey: clientIdKey,
    schema: z.strictObject({
      brokerNodeId: uint(),
      connected: z.boolean(),
      sessionExpiryIntervalSec: uint(),
      lastDisconnectAtMs: uint().optional(),
      connectedAtMs: uint().optional(),
      protocolVersion: z.union([z.literal(3), z.literal(4), z.literal(5)]).optional(),
    }),
    hasPayload: false,
  },
  SUBSCRIPTION: {
    keyName: 'client id',
    checkKey: clientIdKey,
    schema: z.strictObject({
      subscriptions: z.array(
        z.strictObject({
          ...subscriptionOptions,
          identifier: z.number().int().min(1).max(268_435_455).optional(),
        }),
      ),
    }),
    hasPayload: false,
  },
  TOPIC: {
    keyName: 'topic name',
    checkKey: (field, key) => void checkTopicName(field, key),
    schema: z.strictObject({ createdAtMs: uint() }),
    hasPayload: false,
  },
  RETAINED_MESSAGE: {
    keyName: 'topic name',
    checkKey: (field, key) => void checkTopicName(field, key),
    schema: z.strictObject({ qos: qos(), properties: properties(), retainedAtMs: uint().optional() }),
    hasPayload: true,
  },
  WILL_MESSAGE: {
    keyName: 'client id',
    checkKey: clientIdKey,
    schema: z.strictObject({
      topic: z.string().superRefine((value, ctx) => {
        try {
          checkTopicName('topic', value);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message });
        }
      }),
      qos: qos(),
      retain: z.boolean(),
      delayIntervalSec: uint(),
      properties: properties(),
    }),
    hasPayload: true,
  },
  TOPIC_REWRITE_RULE: {
    keyName: 'rule id',
    checkKey: (field, key) => void requireSegmentName(field, key),
    schema: z.strictObject({
      action: z.enum(['publish', 'subscribe', 'all']),
      sourceTopic: topicFilter(),
      destTopic: z.string().min(1),
      regex: z.string().superRefine((value, ctx) => {
        try {
          new RegExp(value);
        } catch (err) {
          ctx.addIssue({
            code: 'custom',
            message: `not a valid regular expression: ${(err as Error).message}`,
          });
        }
      }),
      priority: z.number().int().optional(),
    }),
    hasPayload: false,
  },
  AUTO_SUBSCRIBE_RULE: {
    keyName: 'rule id',
    checkKey: (field, key) => void requireSegmentName(field, key),
    schema: z.strictObject(subscriptionOptions),
    hasPayload: false,
  },
  SHARED_GROUP_LEADER: {
    keyName: 'group name',
    checkKey: (field, key) => void requireSegmentName(field, key),
    schema: z.strictObject({ brokerNodeId: z.number().int().min(1) }),
    hasPayload: false,
  },
};

/** Parses and validates a resource's JSON text; errors name the JSON field (e.g. `json.subscriptions.0.qos`). */
export function parseResourceJson(type: ResourceTypeName, json: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw invalid(`json is not valid JSON: ${(err as Error).message}`);
  }
  return validateResourceRecord(type, value);
}

export function validateResourceRecord(type: ResourceTypeName, value: unknown): Record<string, unknown> {
  const parsed = RESOURCE_SPECS[type].schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = ['json', ...issue.path.map(String)].join('.');
  throw invalid(`${path}: ${issue.message} (for ${type})`);
}
