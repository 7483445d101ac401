// The ACL rule evaluation both brokers share: order by priority then id, first match decides, %u / %c substitution,
// IP and CIDR subjects, the 'all' question answered by ALL rules only, and MQTT's '$' topics outside first-level
// wildcards (MQTT-4.7.2-1).
import { describe, expect, it } from 'vitest';
import {
  filterMatches,
  findAclRule,
  levelsMatch,
  sortAclRules,
  topicMatches,
  type AclRule,
} from '../src/index.js';

const rule = (r: Partial<AclRule> & Pick<AclRule, 'id' | 'topicFilter'>): AclRule => ({
  permission: 'ALLOW',
  action: 'ALL',
  subjectType: 'SUBJECT_ALL',
  subjectValue: '',
  priority: 0,
  ...r,
});
const alice = { clientId: 'c1', username: 'alice', ip: '10.1.2.3' };

describe('ACL rules', () => {
  it('the lowest priority (then id) that matches decides', () => {
    const rules = sortAclRules([
      rule({ id: 'b', topicFilter: '#', permission: 'ALLOW', priority: 5 }),
      rule({ id: 'a', topicFilter: 'secret', permission: 'DENY', priority: 5 }),
    ]);
    expect(findAclRule(rules, alice, 'publish', 'secret')?.id).toBe('a');
    expect(findAclRule(rules, alice, 'publish', 'orders')?.id).toBe('b');
  });

  it('matches subjects by user, client id and CIDR, and substitutes %u / %c', () => {
    const rules = sortAclRules([
      rule({ id: '1', topicFilter: 'home/%u/#', subjectType: 'SUBJECT_USER', subjectValue: 'alice' }),
      rule({ id: '2', topicFilter: 'dev/%c', subjectType: 'SUBJECT_CLIENT_ID', subjectValue: 'c1' }),
      rule({ id: '3', topicFilter: 'lan', subjectType: 'SUBJECT_IP', subjectValue: '10.0.0.0/8' }),
    ]);
    expect(findAclRule(rules, alice, 'subscribe', 'home/alice/x')?.id).toBe('1');
    expect(findAclRule(rules, { ...alice, username: 'bob' }, 'subscribe', 'home/alice/x')).toBeUndefined();
    expect(findAclRule(rules, alice, 'publish', 'dev/c1')?.id).toBe('2');
    expect(findAclRule(rules, alice, 'publish', 'lan')?.id).toBe('3');
    expect(findAclRule(rules, { ...alice, ip: '::ffff:10.9.9.9' }, 'publish', 'lan')?.id).toBe('3');
    expect(findAclRule(rules, { ...alice, ip: '192.168.0.1' }, 'publish', 'lan')).toBeUndefined();
  });

  it("'all' is answered by ALL rules only; PUBLISH rules do not answer 'subscribe'", () => {
    const rules = sortAclRules([
      rule({ id: 'p', topicFilter: 't', action: 'PUBLISH' }),
      rule({ id: 's', topicFilter: 'u', action: 'SUBSCRIBE' }),
    ]);
    expect(findAclRule(rules, alice, 'publish', 't')?.id).toBe('p');
    expect(findAclRule(rules, alice, 'subscribe', 't')).toBeUndefined();
    expect(findAclRule(rules, alice, 'all', 't')).toBeUndefined();
    expect(findAclRule(rules, alice, 'subscribe', 'u')?.id).toBe('s');
  });

  it('wildcards follow MQTT: # takes the parent level, first-level wildcards skip $ topics', () => {
    expect(topicMatches('a/#', 'a')).toBe(true);
    expect(topicMatches('a/+', 'a/b/c')).toBe(false);
    expect(topicMatches('#', '$SYS/x')).toBe(false);
    expect(topicMatches('+', 'orders')).toBe(true);
    expect(topicMatches('sensors/#', 'orders')).toBe(false);
  });

  it('filterMatches (the topic unsplit) answers as levelsMatch for every filter and name over a small alphabet', () => {
    // every filter and name of up to three levels over {a, b, '', $x} and (filters) + and #: all pairs agree
    const names: string[] = [];
    const levels = ['a', 'b', '', '$x'];
    const grow = (prefix: string[], depth: number, alphabet: string[], out: string[]): void => {
      if (prefix.length > 0) out.push(prefix.join('/'));
      if (depth === 0) return;
      for (const l of alphabet) grow([...prefix, l], depth - 1, alphabet, out);
    };
    grow([], 3, levels, names);
    const filters: string[] = [];
    grow([], 3, [...levels, '+'], filters);
    for (const f of [...filters]) filters.push(f === '' ? '#' : `${f}/#`);
    filters.push('#');
    let pairs = 0;
    const disagree: string[] = [];
    for (const filter of filters) {
      const split = filter.split('/');
      for (const name of names) {
        if (name.slice(1).includes('$')) continue; // '$' starts a name only
        if (filterMatches(split, name) !== levelsMatch(split, name.split('/')))
          disagree.push(`${filter} ~ ${name}`);
        pairs++;
      }
    }
    expect(disagree).toEqual([]);
    expect(pairs).toBeGreaterThan(10_000);
  });
});
