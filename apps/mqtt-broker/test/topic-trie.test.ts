// Unit tests of the subscription trie and the topic name/filter rules.
import { describe, expect, it } from 'vitest';
import { TopicTrie } from '../src/routing/topic-trie.js';
import { isValidTopicFilter, isValidTopicName } from '../src/routing/topic-validation.js';

function matches(trie: TopicTrie<string, string>, topic: string): string[] {
  const found: string[] = [];
  trie.match(topic, (key, filter) => found.push(`${key}:${filter}`));
  return found.sort();
}

function trieOf(...filters: string[]): TopicTrie<string, string> {
  const trie = new TopicTrie<string, string>();
  for (const filter of filters) trie.add(filter, 's', filter);
  return trie;
}

describe('TopicTrie', () => {
  it('matches exact filters level by level', () => {
    const trie = trieOf('a/b/c', 'a/b', 'a/b/c/d');
    expect(matches(trie, 'a/b/c')).toEqual(['s:a/b/c']);
    expect(matches(trie, 'a/b')).toEqual(['s:a/b']);
    expect(matches(trie, 'a/b/x')).toEqual([]);
  });

  it('matches + as exactly one level, including empty levels', () => {
    const trie = trieOf('a/+/c', '+', '+/+');
    expect(matches(trie, 'a/b/c')).toEqual(['s:a/+/c']);
    expect(matches(trie, 'a//c')).toEqual(['s:a/+/c']);
    expect(matches(trie, 'a/b/c/d')).toEqual([]);
    expect(matches(trie, 'x')).toEqual(['s:+']);
    expect(matches(trie, '/x')).toEqual(['s:+/+']);
  });

  it('matches # as any number of levels, including the parent level itself', () => {
    const trie = trieOf('a/#', '#');
    expect(matches(trie, 'a')).toEqual(['s:#', 's:a/#']);
    expect(matches(trie, 'a/b/c')).toEqual(['s:#', 's:a/#']);
    expect(matches(trie, 'b')).toEqual(['s:#']);
  });

  it('does not match $ topics with a leading wildcard, but does with an explicit $ level', () => {
    const trie = trieOf('#', '+/x', '$SYS/#', '$SYS/+');
    expect(matches(trie, '$SYS/x')).toEqual(['s:$SYS/#', 's:$SYS/+']);
    expect(matches(trie, '$SYS')).toEqual(['s:$SYS/#']);
    expect(matches(trie, 'a/x')).toEqual(['s:#', 's:+/x']);
  });

  it('visits each subscriber of each matching filter', () => {
    const trie = new TopicTrie<string, number>();
    trie.add('a/+', 'one', 1);
    trie.add('a/#', 'one', 2);
    trie.add('a/b', 'two', 3);
    const seen: string[] = [];
    trie.match('a/b', (key, value) => seen.push(`${key}=${value}`));
    expect(seen.sort()).toEqual(['one=1', 'one=2', 'two=3']);
  });

  it('replaces a subscriber’s value for the same filter and counts pairs', () => {
    const trie = new TopicTrie<string, number>();
    expect(trie.add('a/b', 'k', 0)).toBe(true);
    expect(trie.add('a/b', 'k', 1)).toBe(false);
    expect(trie.add('a/b', 'k2', 1)).toBe(true);
    expect(trie.size).toBe(2);
    expect(trie.get('a/b', 'k')).toBe(1);
  });

  it('keeps a filter’s subscribers through the change from one to many and back', () => {
    const trie = new TopicTrie<string, number>();
    trie.add('a/+/#', 'one', 1);
    expect(trie.add('a/+/#', 'one', 2)).toBe(false);
    expect(trie.add('a/+/#', 'two', 3)).toBe(true);
    expect(trie.add('a/+/#', 'three', 4)).toBe(true);
    const seen = (topic: string) => {
      const out: string[] = [];
      trie.match(topic, (key, value) => out.push(`${key}=${value}`));
      return out.sort();
    };
    expect(seen('a/b')).toEqual(['one=2', 'three=4', 'two=3']);
    expect(trie.remove('a/+/#', 'one')).toBe(true);
    expect(trie.remove('a/+/#', 'one')).toBe(false);
    expect(trie.get('a/+/#', 'two')).toBe(3);
    expect(seen('a/b/c')).toEqual(['three=4', 'two=3']);
    trie.remove('a/+/#', 'two');
    trie.remove('a/+/#', 'three');
    expect(seen('a/b')).toEqual([]);
    expect(trie.size).toBe(0);
    expect(trie.isEmpty).toBe(true);
    // a node pruned while it held several is made afresh for one
    trie.add('a/+/#', 'four', 5);
    expect(seen('a/x/y/z')).toEqual(['four=5']);
  });

  it('collects key, value pairs in visiting order: # on the way down, then +, then the exact level', () => {
    const trie = trieOf('a/b/c', 'a/+/c', 'a/#', '#', 'a/b/#');
    const out: string[] = [];
    trie.collect('a/b/c', out);
    expect(out).toEqual(['s', '#', 's', 'a/#', 's', 'a/+/c', 's', 'a/b/#', 's', 'a/b/c']);
    // a $ topic: no wildcard at the first level, but below it as usual
    const dollar = trieOf('+/x', '#', '$SYS/+', '$SYS/#');
    const found: string[] = [];
    dollar.collect('$SYS/x', found);
    expect(found).toEqual(['s', '$SYS/#', 's', '$SYS/+']);
  });

  it('removes subscriptions and prunes empty branches', () => {
    const trie = trieOf('a/b/c', 'a/+');
    expect(trie.remove('a/b/c', 's')).toBe(true);
    expect(trie.remove('a/b/c', 's')).toBe(false);
    expect(trie.remove('x/y', 's')).toBe(false);
    expect(matches(trie, 'a/b/c')).toEqual([]);
    expect(matches(trie, 'a/b')).toEqual(['s:a/+']);
    trie.remove('a/+', 's');
    expect(trie.size).toBe(0);
    expect(trie.remove('a/+', 's')).toBe(false);
    // the root has no children left
    expect(trie.isEmpty).toBe(true);
  });
});

describe('topic validation', () => {
  it('accepts and rejects topic filters per the MQTT rules', () => {
    for (const ok of ['a', 'a/b', '#', '+', 'a/#', '+/b/+', '/', 'a//b', '$SYS/#', 'a/+/#']) {
      expect(isValidTopicFilter(ok), ok).toBe(true);
    }
    for (const bad of ['', 'a#', 'a/#/b', 'a/b#', 'a+', 'a/+b', '#/a', 'a\u0000b']) {
      expect(isValidTopicFilter(bad), bad).toBe(false);
    }
  });

  it('rejects wildcards and empty names in topic names', () => {
    expect(isValidTopicName('a/b')).toBe(true);
    expect(isValidTopicName('$SYS/x')).toBe(true);
    for (const bad of ['', 'a/+', 'a/#', '#', 'a\u0000']) expect(isValidTopicName(bad), bad).toBe(false);
  });
});
