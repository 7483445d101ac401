// Applies MQTT metadata commands. Deterministic: everything variable (hashes, ids, times) is in the command.
import { putJson, readJson, type ApplyContext } from './apply-context.js';
import type { MqttCommand, MqttCommandResult } from './mqtt-commands.js';
import {
  aclKey,
  blacklistKey,
  resourceKey,
  userKey,
  type StoredAclRule,
  type StoredUser,
} from './mqtt-records.js';

export async function applyMqtt(ctx: ApplyContext, c: MqttCommand): Promise<MqttCommandResult> {
  switch (c.type) {
    case 'mqtt.user.create': {
      const key = userKey(c.user.username);
      if (await ctx.read(key)) {
        return {
          type: c.type,
          rejection: { code: 'ALREADY_EXISTS', message: `user "${c.user.username}" already exists` },
        };
      }
      putJson(ctx, key, c.user);
      return { type: c.type, user: c.user };
    }
    case 'mqtt.user.update': {
      const key = userKey(c.username);
      const user = await readJson<StoredUser>(ctx, key);
      if (!user)
        return { type: c.type, rejection: { code: 'NOT_FOUND', message: `user "${c.username}" not found` } };
      const updated: StoredUser = {
        ...user,
        // a new password replaces the SCRAM keys too (none in the command: the old ones must not outlive it)
        ...(c.password ? { password: c.password, scram: c.scram } : {}),
        ...(c.superuser !== undefined ? { superuser: c.superuser } : {}),
        updatedAtMs: c.updatedAtMs,
      };
      putJson(ctx, key, updated);
      return { type: c.type, user: updated };
    }
    case 'mqtt.user.delete': {
      const key = userKey(c.username);
      if (!(await ctx.read(key)))
        return { type: c.type, rejection: { code: 'NOT_FOUND', message: `user "${c.username}" not found` } };
      ctx.del(key);
      return { type: c.type };
    }
    case 'mqtt.acl.create': {
      const key = aclKey(c.rule.id);
      if (await readJson<StoredAclRule>(ctx, key)) {
        return {
          type: c.type,
          rejection: { code: 'ALREADY_EXISTS', message: `ACL rule "${c.rule.id}" already exists` },
        };
      }
      putJson(ctx, key, c.rule);
      return { type: c.type, rule: c.rule };
    }
    case 'mqtt.acl.delete': {
      const key = aclKey(c.id);
      if (!(await ctx.read(key)))
        return { type: c.type, rejection: { code: 'NOT_FOUND', message: `ACL rule "${c.id}" not found` } };
      ctx.del(key);
      return { type: c.type };
    }
    case 'mqtt.blacklist.put': {
      const key = blacklistKey(c.entry.type, c.entry.value);
      const created = !(await ctx.read(key));
      putJson(ctx, key, c.entry);
      return { type: c.type, created, entry: c.entry };
    }
    case 'mqtt.blacklist.delete': {
      const key = blacklistKey(c.entryType, c.value);
      if (!(await ctx.read(key))) {
        return {
          type: c.type,
          rejection: { code: 'NOT_FOUND', message: `blacklist entry ${c.entryType} "${c.value}" not found` },
        };
      }
      ctx.del(key);
      return { type: c.type };
    }
    case 'mqtt.resource.put': {
      const key = resourceKey(c.resource.type, c.resource.key);
      const created = !(await ctx.read(key));
      putJson(ctx, key, c.resource);
      // not the resource itself: its payload may be megabytes, and a retry carries the same content anyway
      return { type: c.type, created, updatedAtMs: c.resource.updatedAtMs };
    }
    case 'mqtt.resource.delete': {
      const key = resourceKey(c.resourceType, c.key);
      if (!(await ctx.read(key))) {
        return {
          type: c.type,
          rejection: { code: 'NOT_FOUND', message: `${c.resourceType} "${c.key}" not found` },
        };
      }
      ctx.del(key);
      return { type: c.type };
    }
  }
}
