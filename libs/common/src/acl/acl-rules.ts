// The ACL rules operators keep in placement (admin API /api/v1/mqtt/acl) and the one way they are evaluated, shared by
// the MQTT broker (PUBLISH / SUBSCRIBE) and the Kafka broker (Produce / Fetch and friends mapped onto the same actions,
// docs/kafka.md "Authorization"), so one rule set governs both protocols. Rules are sorted once by priority; the
// first rule whose action, subject and topic filter match decides.
import { BlockList, isIP } from 'node:net';
import { topicMatches } from './topic-match.js';

export type AclPermission = 'ALLOW' | 'DENY';
export type AclAction = 'PUBLISH' | 'SUBSCRIBE' | 'ALL';
export type AclSubject = 'SUBJECT_ALL' | 'SUBJECT_USER' | 'SUBJECT_CLIENT_ID' | 'SUBJECT_IP';

export interface AclRule {
  id: string;
  permission: AclPermission;
  action: AclAction;
  subjectType: AclSubject;
  subjectValue: string;
  topicFilter: string;
  priority: number;
}

/** who asks: `ip` is a bare address (IPv4-mapped IPv6 already normalised). */
export interface AclSubjectIdentity {
  clientId: string;
  username?: string | undefined;
  ip: string;
}

function ipFamily(ip: string): 'ipv4' | 'ipv6' {
  return isIP(ip) === 6 ? 'ipv6' : 'ipv4';
}

/** Normalises IPv4-mapped IPv6 addresses (::ffff:1.2.3.4) as sockets report them. */
export function normaliseIp(ip: string): string {
  return ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
}

/** Whether `ip` is the address or inside the CIDR `range`. */
export function ipInRange(ip: string, range: string): boolean {
  const list = new BlockList();
  const [net, bits] = range.split('/');
  if (!net || isIP(net) === 0) return false;
  if (bits === undefined) list.addAddress(net, ipFamily(net));
  else list.addSubnet(net, Number(bits), ipFamily(net));
  return isIP(ip) !== 0 && list.check(ip, ipFamily(ip));
}

/** The evaluation order: priority, then id (stable across brokers). */
export function sortAclRules(rules: readonly AclRule[]): AclRule[] {
  return [...rules].sort((a, b) => a.priority - b.priority || a.id.localeCompare(b.id));
}

function subjectMatches(rule: AclRule, identity: AclSubjectIdentity): boolean {
  switch (rule.subjectType) {
    case 'SUBJECT_ALL':
      return true;
    case 'SUBJECT_USER':
      return identity.username === rule.subjectValue;
    case 'SUBJECT_CLIENT_ID':
      return identity.clientId === rule.subjectValue;
    case 'SUBJECT_IP':
      return ipInRange(normaliseIp(identity.ip), rule.subjectValue);
  }
}

/** The first rule (of `sorted`, see sortAclRules) deciding `action` on `topic` for `identity`, or undefined when none
 * matches. 'publish' / 'subscribe' are matched by rules of that action or ALL; 'all' only by ALL rules (what the Kafka
 * broker asks for topic administration). `%u` / `%c` in a filter stand for the user name and client id; a
 * subscription is covered when the rule's filter matches it as a topic (exact or by wildcard), or is equal. */
export function findAclRule(
  sorted: readonly AclRule[],
  identity: AclSubjectIdentity,
  action: 'publish' | 'subscribe' | 'all',
  topic: string,
): AclRule | undefined {
  const wanted = action === 'publish' ? 'PUBLISH' : action === 'subscribe' ? 'SUBSCRIBE' : 'ALL';
  for (const rule of sorted) {
    if (rule.action !== 'ALL' && rule.action !== wanted) continue;
    if (!subjectMatches(rule, identity)) continue;
    const filter = rule.topicFilter
      .replaceAll('%u', identity.username ?? '')
      .replaceAll('%c', identity.clientId);
    if (!(filter === topic || topicMatches(filter, topic))) continue;
    return rule;
  }
  return undefined;
}
