// Snapshots: MemoryStorage compaction semantics, chunked InstallSnapshot to a lagging follower, lost chunks, restarts.
import { describe, expect, it } from 'vitest';
import { MemoryStorage, RaftStorageError, type MsgSnap } from '../src/index.js';
import { bytes, entriesWithTerms, TestCluster } from './helpers/cluster.js';

describe('MemoryStorage', () => {
  const conf = { voters: [1], learners: [] };

  it('answers term/entries within [firstIndex-1, lastIndex] and reports compaction', () => {
    const s = new MemoryStorage(conf);
    s.append(entriesWithTerms([1, 1, 2, 3]));
    expect([s.firstIndex(), s.lastIndex()]).toEqual([1, 4]);
    expect(s.term(0)).toBe(0);
    expect(s.entries(2, 4).map((e) => e.index)).toEqual([2, 3]);
    s.createSnapshot(3, conf, bytes('state@3'));
    s.compact(2);
    expect([s.firstIndex(), s.lastIndex()]).toEqual([3, 4]);
    expect(s.term(2)).toBe(1);
    expect(() => s.term(1)).toThrow(RaftStorageError);
    expect(() => s.entries(2, 4)).toThrow(/compacted/);
    expect(() => s.entries(3, 6)).toThrow(/beyond last index/);
  });

  it('limits entries by bytes but always returns at least one', () => {
    const s = new MemoryStorage(conf);
    s.append(entriesWithTerms([1, 1, 1, 1])); // 4-5 byte payloads
    expect(s.entries(1, 5, 1)).toHaveLength(1);
    expect(s.entries(1, 5, 10)).toHaveLength(2);
  });

  it('append truncates a conflicting suffix and refuses gaps', () => {
    const s = new MemoryStorage(conf);
    s.append(entriesWithTerms([1, 1, 1, 1]));
    s.append(entriesWithTerms([2, 2], 3));
    expect([s.lastIndex(), s.term(3), s.term(4)]).toEqual([4, 2, 2]);
    expect(() => s.append(entriesWithTerms([3], 7))).toThrow(/gap/);
  });

  it('applySnapshot replaces the log; older snapshots are refused', () => {
    const s = new MemoryStorage(conf);
    s.append(entriesWithTerms([1, 1]));
    s.applySnapshot({ metadata: { index: 10, term: 3, confState: conf }, data: bytes('x') });
    expect([s.firstIndex(), s.lastIndex(), s.term(10)]).toEqual([11, 10, 3]);
    expect(() =>
      s.applySnapshot({ metadata: { index: 5, term: 2, confState: conf }, data: bytes('y') }),
    ).toThrow(/not newer/);
  });
});

/** A cluster where node 1 leads, node 3 fell behind, and the leader compacted away what node 3 needs. */
function laggingFollower(chunk: number) {
  const c = new TestCluster([1, 2, 3], { maxSnapshotChunkBytes: chunk });
  c.campaign(1);
  c.isolate(3);
  for (let i = 0; i < 10; i++) c.propose(1, `v${i}`);
  const leader = c.node(1);
  const applied = c.raft(1).log.applied;
  leader.storage.createSnapshot(applied, c.raft(1).currentConf(), bytes('state-machine-image-at-' + applied));
  leader.storage.compact(applied);
  return { c, applied };
}

describe('InstallSnapshot', () => {
  it('sends a snapshot in chunks to a follower whose entries were compacted away', () => {
    const { c, applied } = laggingFollower(5);
    c.heal();
    c.tickAll(3);
    const snaps = c.sentOfType(1, 'MsgSnap') as MsgSnap[];
    const data = 'state-machine-image-at-' + applied;
    expect(snaps.length).toBe(Math.ceil(data.length / 5));
    expect(snaps.map((m) => m.offset)).toEqual(snaps.map((_, i) => i * 5));
    expect(snaps.filter((m) => m.done)).toHaveLength(1);
    expect(snaps.every((m) => m.total === data.length)).toBe(true);
    const f = c.node(3);
    expect(f.storage.snapshot().metadata.index).toBe(applied);
    expect(new TextDecoder().decode(f.storage.snapshot().data)).toBe(data);
    // And it is back to normal replication afterwards.
    c.propose(1, 'after');
    expect(c.appliedData(3)).toEqual(['after']);
    expect(c.node(1).raw.status().progress?.get(3)?.state).toBe('replicate');
  });

  /**
   * Node 3 takes the leader's image in `chunk`-byte pieces stepped by hand (fresh buffers: `total` is what the chunks
   * say the size is; `scribble` overwrites each piece once it was stepped, as a receive buffer being reused would).
   */
  function stepImageByHand(chunk: number, total: (size: number) => number, scribble: boolean) {
    const { c, applied } = laggingFollower(chunk);
    c.filter = (m) => m.type !== 'MsgSnap'; // the leader's own chunks are dropped: these come by hand
    c.heal();
    c.tickAll(3);
    const image = c.node(1).storage.snapshot();
    const size = image.data.byteLength;
    for (let off = 0; off < size; off += chunk) {
      const data = Buffer.from(image.data.subarray(off, Math.min(off + chunk, size)));
      const done = off + data.length === size;
      c.node(3).raw.step({
        type: 'MsgSnap',
        from: 1,
        to: 3,
        term: c.raft(1).term,
        snapshot: image.metadata,
        offset: off,
        data,
        done,
        total: total(size),
      });
      if (scribble) data.fill(0x21);
    }
    c.drainReadies();
    return { installed: c.node(3).storage.snapshot(), applied, expected: image.data };
  }

  it('places each chunk in the image as it arrives, when the leader says the size: the last one copies only itself', () => {
    const { installed, applied, expected } = stepImageByHand(4, (size) => size, true);
    expect(installed.metadata.index).toBe(applied);
    // every piece was copied when it was stepped (joining them at the end would read the scribbled buffers)
    expect(Buffer.from(installed.data).equals(Buffer.from(expected))).toBe(true);
    expect(installed.data.byteLength).toBe(expected.byteLength);
  });

  it('joins the chunks at the end when the size is not said (an older leader) or is too small', () => {
    for (const total of [() => 0, (size: number) => size - 6]) {
      const { installed, applied, expected } = stepImageByHand(4, total, false);
      expect(installed.metadata.index).toBe(applied);
      expect(Buffer.from(installed.data).equals(Buffer.from(expected))).toBe(true);
    }
  });

  it('retransmits lost chunks (driven by heartbeats)', () => {
    const { c, applied } = laggingFollower(4);
    c.heal();
    let n = 0;
    c.filter = (m) => !(m.type === 'MsgSnap' && m.offset === 8 && n++ < 2); // drop one chunk twice
    c.tickAll(20);
    expect(c.node(3).storage.snapshot().metadata.index).toBe(applied);
    expect(c.raft(3).log.committed).toBeGreaterThanOrEqual(applied);
  });

  it('sends an unacknowledged chunk again after a few heartbeats, waiting twice as long each time, not on every one', () => {
    const { c, applied } = laggingFollower(4);
    // the follower's acknowledgements are lost for 40 heartbeat periods (as if it wrote each chunk that slowly)
    c.filter = (m) => m.type !== 'MsgSnapStatus';
    c.heal();
    c.tickAll(40);
    const sent = c.sentOfType(1, 'MsgSnap') as MsgSnap[];
    // the first send, then again after 2, 4, 8 and 10 (the election timeout) heartbeats, ...: before, one per heartbeat
    expect(sent.every((m) => m.offset === 0)).toBe(true);
    expect(sent.length).toBeGreaterThanOrEqual(4);
    expect(sent.length).toBeLessThanOrEqual(8);
    // once acknowledgements get through again, the transfer completes
    c.filter = () => true;
    c.tickAll(40);
    expect(c.node(3).storage.snapshot().metadata.index).toBe(applied);
  });

  it('a follower restarted mid-transfer starts over from offset 0', () => {
    const { c, applied } = laggingFollower(4);
    c.heal();
    let dropped = false;
    c.filter = (m) => {
      if (m.type === 'MsgSnap' && m.offset === 12 && !dropped) {
        dropped = true;
        return false;
      }
      return true;
    };
    c.tickAll(1);
    c.restart(3);
    c.tickAll(20);
    expect(c.node(3).storage.snapshot().metadata.index).toBe(applied);
    const offsets = (c.sentOfType(1, 'MsgSnap') as MsgSnap[]).map((m) => m.offset);
    expect(offsets.filter((o) => o === 0).length).toBeGreaterThanOrEqual(2);
  });

  it('a follower that already has the snapshot index does not install it', () => {
    const c = new TestCluster([1, 2]);
    c.campaign(1);
    c.propose(1, 'a');
    const r2 = c.node(2);
    r2.raw.step({
      type: 'MsgSnap',
      from: 1,
      to: 2,
      term: 1,
      snapshot: { index: 2, term: 1, confState: { voters: [1, 2], learners: [] } },
      offset: 0,
      data: bytes('x'),
      done: true,
      total: 1,
    });
    const rd = r2.raw.ready();
    expect(rd.snapshot).toBeUndefined();
    expect(rd.messagesAfterPersist).toMatchObject([{ type: 'MsgAppResp', index: 2, reject: false }]);
  });

  it('a restarted node resumes from its snapshot and replays only later entries', () => {
    const c = new TestCluster([1, 2, 3]);
    c.campaign(1);
    for (let i = 0; i < 5; i++) c.propose(1, `v${i}`);
    const n2 = c.node(2);
    n2.storage.createSnapshot(4, c.raft(2).currentConf(), bytes('img'));
    n2.storage.compact(4);
    c.restart(2);
    c.tickAll(2);
    const replayed = c
      .node(2)
      .applied.slice(6)
      .map((e) => e.index); // after the 6 applied before the restart
    expect(replayed).toEqual([5, 6]);
  });
});
