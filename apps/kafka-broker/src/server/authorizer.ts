// Kafka authorization against the ACL rules operators already keep for MQTT (placement, admin API /api/v1/mqtt/acl):
// one rule set governs both protocols. A Kafka topic `t` is checked as the MQTT topic `t` (Kafka names have no '/',
// so it is one level: `t`, `+` and `#` match it, `sensors/#` does not). Produce needs PUBLISH; Fetch, ListOffsets,
// OffsetCommit, OffsetFetch and Metadata's view of a topic need SUBSCRIBE (Metadata: PUBLISH or SUBSCRIBE); topic
// administration (CreateTopics, DeleteTopics, CreatePartitions) needs a superuser or an ALLOW rule of action ALL
// naming the topic. Rules apply to SASL principals only: with [sasl] enabled = false there is no principal and no
// check (docs/kafka.md "Authorization"). The rules are cached and refreshed on an interval, as the MQTT broker does.
import {
  findAclRule,
  keepFresh,
  sortAclRules,
  type AclRule,
  type KeptFresh,
  type Logger,
} from '@robustmq/common';
import type { PlacementClient } from '@robustmq/placement-client';

export interface KafkaPrincipal {
  user: string;
  clientId: string;
  ip: string;
  superuser: boolean;
}

export interface KafkaAuthorizerOptions {
  /** what a check answers when no rule matches (`[sasl] acl_default`). */
  aclDefault: 'allow' | 'deny';
  refreshIntervalMs: number;
  logger: Logger;
}

export class KafkaAuthorizer {
  private rules: AclRule[] = [];
  private refreshing: KeptFresh | undefined;

  constructor(
    private readonly placement: Pick<PlacementClient, 'mqtt'>,
    private readonly options: KafkaAuthorizerOptions,
  ) {}

  /** Loads the rules once (start-up fails when placement cannot be reached) and keeps them fresh. */
  async start(): Promise<void> {
    this.refreshing = await keepFresh(() => this.refresh(), this.options, 'Kafka ACL rules');
  }

  async refresh(): Promise<void> {
    const rules = await this.placement.mqtt.listAclRules();
    this.rules = sortAclRules(
      rules.map((r) => ({
        id: r.id,
        permission: r.permission as AclRule['permission'],
        action: r.action as AclRule['action'],
        subjectType: r.subjectType as AclRule['subjectType'],
        subjectValue: r.subjectValue,
        topicFilter: r.topicFilter,
        priority: r.priority,
      })),
    );
  }

  /** The user's superuser flag, read once when its SASL login succeeds (as MQTT reads it at CONNECT). */
  async isSuperuser(user: string): Promise<boolean> {
    return (await this.placement.mqtt.getUser(user))?.superuser ?? false;
  }

  /** Produce ('publish') or a read of the topic ('subscribe'). */
  allows(who: KafkaPrincipal, action: 'publish' | 'subscribe', topic: string): boolean {
    if (who.superuser) return true;
    const rule = findAclRule(this.rules, this.subject(who), action, topic);
    return rule ? rule.permission === 'ALLOW' : this.options.aclDefault === 'allow';
  }

  /** Create, delete or add partitions to `topic`: never by the default, only a superuser or an explicit ALL rule. */
  mayAdminister(who: KafkaPrincipal, topic: string): boolean {
    if (who.superuser) return true;
    return findAclRule(this.rules, this.subject(who), 'all', topic)?.permission === 'ALLOW';
  }

  close(): void {
    this.refreshing?.stop();
  }

  private subject(who: KafkaPrincipal): { clientId: string; username: string; ip: string } {
    return { clientId: who.clientId, username: who.user, ip: who.ip };
  }
}
