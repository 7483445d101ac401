// Topic rewrite rules (EMQX semantics): for a PUBLISH topic name or a SUBSCRIBE filter, the first rule whose action
// covers it and whose source filter matches it is chosen; its regex is run on the topic and `$1`..`$N` in the
// destination are replaced by the captured groups. When that regex does not match, the topic stays as it was (later
// rules are not tried). Rules whose regex does not compile are skipped with a warning rather than failing the load,
// because one bad rule in placement must not take down routing for every other rule.
import type { Logger } from '@robustmq/common';
import { parseSharedFilter } from '../routing/shared-subscription.js';
import { topicMatches } from '../routing/topic-match.js';

export type RewriteAction = 'publish' | 'subscribe';

/** A TOPIC_REWRITE_RULE record as placement stores it (see placement-center's resource-schemas.ts). */
export interface TopicRewriteRuleRecord {
  id: string;
  action: 'publish' | 'subscribe' | 'all';
  sourceTopic: string;
  destTopic: string;
  regex: string;
  priority?: number | undefined;
}

export interface CompiledRewriteRule {
  id: string;
  action: 'publish' | 'subscribe' | 'all';
  sourceTopic: string;
  destTopic: string;
  regex: RegExp;
}

/** Compiles rules in evaluation order (priority, then id); rules with an invalid regex are left out. */
export function compileRewriteRules(
  records: readonly TopicRewriteRuleRecord[],
  logger: Logger,
): CompiledRewriteRule[] {
  const sorted = [...records].sort(
    (a, b) => (a.priority ?? 0) - (b.priority ?? 0) || a.id.localeCompare(b.id),
  );
  const compiled: CompiledRewriteRule[] = [];
  for (const rule of sorted) {
    let regex: RegExp;
    try {
      regex = new RegExp(rule.regex);
    } catch (err) {
      logger.warn(
        { rule: rule.id, regex: rule.regex, err: (err as Error).message },
        'topic rewrite rule has an invalid regex; skipped',
      );
      continue;
    }
    compiled.push({
      id: rule.id,
      action: rule.action,
      sourceTopic: rule.sourceTopic,
      destTopic: rule.destTopic,
      regex,
    });
  }
  return compiled;
}

/** The destination with `$1`..`$N` replaced by the captured groups (a group that did not take part is empty). */
function substitute(dest: string, match: RegExpExecArray): string {
  return dest.replace(/\$(\d+)/g, (whole, n: string) => {
    const index = Number(n);
    return index < match.length ? (match[index] ?? '') : whole;
  });
}

/** The plain (non-shared) topic or filter rewritten by the first matching rule, or unchanged. */
function rewritePlain(rules: readonly CompiledRewriteRule[], action: RewriteAction, topic: string): string {
  for (const rule of rules) {
    if (rule.action !== 'all' && rule.action !== action) continue;
    // a subscription filter is covered when the source filter equals it or matches it as a topic, as for ACL rules
    if (!(rule.sourceTopic === topic || topicMatches(rule.sourceTopic, topic))) continue;
    const match = rule.regex.exec(topic);
    return match ? substitute(rule.destTopic, match) : topic;
  }
  return topic;
}

/** Rewrites a PUBLISH topic name or a SUBSCRIBE filter; for `$share/<group>/<filter>` only the filter is rewritten,
 * so the client stays in its group. */
export function rewriteTopic(
  rules: readonly CompiledRewriteRule[],
  action: RewriteAction,
  topic: string,
): string {
  if (rules.length === 0) return topic;
  if (action === 'subscribe') {
    const shared = parseSharedFilter(topic);
    if (shared !== undefined && shared !== 'invalid') {
      const filter = rewritePlain(rules, action, shared.filter);
      return filter === shared.filter ? topic : `$share/${shared.group}/${filter}`;
    }
  }
  return rewritePlain(rules, action, topic);
}
