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

  it('removes subscriptions and prunes empty branches', () => {
    const trie = trieOf('a/b/c', 'a/+');
    expect(trie.remove('a/b/c', 's')).toBe(true);
    expect(trie.remove('a/b/c', 's')).toBe(false);
    expect(trie.remove('x/y', 's')).toBe(false);
    expect(matches(trie, 'a/b/c')).toEqual([]);
    expect(matches(trie, 'a/b')).toEqual(['s:a/+']);
    trie.remove('a/+', 's');
    expect(trie.size).toBe(0);
    // the root has no children left
    expect((trie as unknown as { root: { children: Map<string, unknown> } }).root.children.size).toBe(0);
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
