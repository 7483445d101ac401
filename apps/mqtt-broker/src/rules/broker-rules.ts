// The topic rewrite and auto-subscribe rules the broker reads from the placement center (TOPIC_REWRITE_RULE and
// AUTO_SUBSCRIBE_RULE resources). Like ACL rules they are cached and refreshed on an interval, so applying them to
// a PUBLISH, SUBSCRIBE or CONNECT costs no round trip; a failed refresh keeps the last copy.
import { keepFresh, type KeptFresh, type Logger } from '@robustmq/common';
import type { MqttResourceRecord, PlacementClient } from '@robustmq/placement-client';
import type { AutoSubscribeRuleRecord } from './auto-subscribe.js';
import {
  compileRewriteRules,
  rewriteTopic,
  type CompiledRewriteRule,
  type RewriteAction,
  type TopicRewriteRuleRecord,
} from './topic-rewrite.js';

export interface BrokerRulesOptions {
  refreshIntervalMs: number;
  logger: Logger;
}

/** Every resource of a type, following `more` across pages. */
async function listAll(
  client: PlacementClient,
  type: 'TOPIC_REWRITE_RULE' | 'AUTO_SUBSCRIBE_RULE',
): Promise<MqttResourceRecord[]> {
  const all: MqttResourceRecord[] = [];
  let startAfter = '';
  for (;;) {
    const page = await client.mqtt.listResources(type, startAfter ? { startAfter } : {});
    all.push(...page.resources);
    if (!page.more || page.resources.length === 0) return all;
    startAfter = page.resources[page.resources.length - 1]!.key;
  }
}

export class BrokerRules {
  private rewrites: CompiledRewriteRule[] = [];
  private autoSubscribes: AutoSubscribeRuleRecord[] = [];
  private refreshing: KeptFresh | undefined;

  constructor(
    private readonly client: PlacementClient,
    private readonly options: BrokerRulesOptions,
  ) {}

  /** Loads the rules once (start-up fails if placement cannot be reached) and keeps them fresh. */
  async start(): Promise<void> {
    this.refreshing = await keepFresh(
      () => this.refresh(),
      this.options,
      'topic rewrite and auto-subscribe rules',
    );
  }

  async refresh(): Promise<void> {
    const [rewrites, autos] = await Promise.all([
      listAll(this.client, 'TOPIC_REWRITE_RULE'),
      listAll(this.client, 'AUTO_SUBSCRIBE_RULE'),
    ]);
    this.rewrites = compileRewriteRules(
      rewrites.map((r) => ({ id: r.key, ...r.record }) as unknown as TopicRewriteRuleRecord),
      this.options.logger,
    );
    this.autoSubscribes = autos
      .map((r) => ({ id: r.key, ...r.record }) as unknown as AutoSubscribeRuleRecord)
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /** A PUBLISH topic name or SUBSCRIBE filter after the rewrite rules. */
  rewrite(action: RewriteAction, topic: string): string {
    return rewriteTopic(this.rewrites, action, topic);
  }

  get autoSubscribeRules(): readonly AutoSubscribeRuleRecord[] {
    return this.autoSubscribes;
  }

  close(): void {
    this.refreshing?.stop();
  }
}
