// Unit tests of the retained-message index: the level tree answers exactly what a scan with the MQTT matching rule
// answers, for fixed cases and for random topics, filters and deletions.
import { levelsMatch } from '@robustmq/common';
import { describe, expect, it } from 'vitest';
import { RetainedIndex } from '../src/storage/retained-index.js';

interface Msg {
  topic: string;
}

function indexOf(...topics: string[]): RetainedIndex<Msg> {
  const index = new RetainedIndex<Msg>();
  for (const topic of topics) index.set(topic, { topic });
  return index;
}

function topicsMatching(index: RetainedIndex<Msg>, ...filters: string[]): string[] {
  return index
    .matching(filters)
    .map((m) => m.topic)
    .sort();
}

describe('RetainedIndex', () => {
  it('answers an exact filter, + and # level by level', () => {
    const index = indexOf('a', 'a/b', 'a/b/c', 'a//c', 'b/c', '/x');
    expect(topicsMatching(index, 'a/b')).toEqual(['a/b']);
    expect(topicsMatching(index, 'a/+/c')).toEqual(['a//c', 'a/b/c']);
    expect(topicsMatching(index, 'a/#')).toEqual(['a', 'a//c', 'a/b', 'a/b/c']);
    expect(topicsMatching(index, '+')).toEqual(['a']);
    expect(topicsMatching(index, '+/+')).toEqual(['/x', 'a/b', 'b/c']);
    expect(topicsMatching(index, '#')).toEqual(['/x', 'a', 'a//c', 'a/b', 'a/b/c', 'b/c']);
    expect(topicsMatching(index, 'c/#')).toEqual([]);
  });

  it('keeps $ topics from filters that start with a wildcard', () => {
    const index = indexOf('$SYS/broker/uptime', '$share', 'x/$y');
    expect(topicsMatching(index, '#')).toEqual(['x/$y']);
    expect(topicsMatching(index, '+/broker/+')).toEqual([]);
    expect(topicsMatching(index, '$SYS/#')).toEqual(['$SYS/broker/uptime']);
    expect(topicsMatching(index, '$SYS/+/uptime')).toEqual(['$SYS/broker/uptime']);
    expect(topicsMatching(index, 'x/+')).toEqual(['x/$y']);
  });

  it('returns each message once across overlapping filters', () => {
    const index = indexOf('a/b', 'a/c');
    expect(topicsMatching(index, 'a/#', 'a/b', '+/+')).toEqual(['a/b', 'a/c']);
  });

  it('forgets a deleted topic and prunes its levels, keeping its neighbours', () => {
    const index = indexOf('a/b/c', 'a/b', 'a/x');
    expect(index.delete('a/b/c')).toBe(true);
    expect(index.delete('a/b/c')).toBe(false);
    expect(topicsMatching(index, 'a/#')).toEqual(['a/b', 'a/x']);
    index.delete('a/b');
    expect(topicsMatching(index, '#')).toEqual(['a/x']);
    index.set('a/b/c', { topic: 'a/b/c' });
    expect(topicsMatching(index, 'a/+/c')).toEqual(['a/b/c']);
    expect(index.size).toBe(2);
  });

  it('replaces the message of a topic set twice', () => {
    const index = new RetainedIndex<Msg & { v: number }>();
    index.set('t', { topic: 't', v: 1 });
    index.set('t', { topic: 't', v: 2 });
    expect(index.matching(['t']).map((m) => m.v)).toEqual([2]);
    expect(index.get('t')?.v).toBe(2);
    expect(index.size).toBe(1);
  });

  it('agrees with a full scan for random topics, filters and deletions', () => {
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const words = ['a', 'b', 'c', '', '$s', 'dd'];
    const randomTopic = (): string =>
      Array.from({ length: 1 + rand(4) }, () => words[rand(words.length)]!).join('/');
    const randomFilter = (): string => {
      const levels = Array.from({ length: 1 + rand(4) }, () => {
        const r = rand(8);
        return r === 0 ? '+' : words[rand(words.length)]!;
      });
      if (rand(4) === 0) levels.push('#');
      return levels.join('/');
    };
    const index = new RetainedIndex<Msg>();
    const live = new Set<string>();
    for (let step = 0; step < 3000; step++) {
      const topic = randomTopic();
      if (rand(3) === 0) {
        expect(index.delete(topic)).toBe(live.delete(topic));
      } else {
        index.set(topic, { topic });
        live.add(topic);
      }
      const filters = Array.from({ length: 1 + rand(2) }, randomFilter);
      const expected = [...live]
        .filter((t) => filters.some((f) => levelsMatch(f.split('/'), t.split('/'))))
        .sort();
      expect(topicsMatching(index, ...filters)).toEqual(expected);
      expect(index.size).toBe(live.size);
    }
  });
});
