// Snapshots of a large state (issue #19) must not stall a member's Raft loop: three placement processes hold ~300k
// records (100k KV writes: the keys, their history and the writes' request ids), every member snapshots and compacts
// its log every 200 entries, and a member that was down catches up by InstallSnapshot meanwhile. While that goes on
// a lone client's writes keep completing quickly, the leader keeps its term, and heartbeats keep reaching the
// followers. Before the snapshot was taken off the loop, one export of this state held a member's loop for seconds:
// no appends, acks or heartbeats went out, and followers started elections. The member restoring the image keeps
// answering the leader too: the restore runs beside its Raft loop, so the leader's silence from it stays under the
// election timeout (before, the leader heard nothing from it for as long as the restore took).
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { PlacementClient } from '@robustmq/placement-client';
import { type PlacementStatus, useProcessCluster, waitFor } from '@robustmq/testing';

const TICK_MS = 50;
const ELECTION_TICKS = 20;
const SNAPSHOT_ENTRIES = 200;
const PRELOAD = 100_000;

const pc = useProcessCluster(0, {
  placementMembers: 3,
  placementRaft: { tick_ms: TICK_MS, election_ticks: ELECTION_TICKS, snapshot_entries: SNAPSHOT_ENTRIES },
  placementLogLevel: 'info',
});
// every member records its event-loop delay (libs/common stage-timings): SIGUSR2 writes it to this directory, which
// tells how long the restoring member's own thread was held (installing the image, restoring it)
const timingsDir = join(pc.dir, 'timings');
mkdirSync(timingsDir, { recursive: true });
process.env['ROBUSTMQ_STAGE_TIMINGS'] = timingsDir;
const member = (id: number) => pc.placementMember(id).process;
const status = (id: number) => pc.placementStatus(id);
const detail = () => pc.placementOutput();

it('keeps the leader, its heartbeats and a client’s writes going while members snapshot a large state', async () => {
  const leader = await pc.placementLeader();
  const [lagging, follower] = [1, 2, 3].filter((id) => id !== leader) as [number, number];
  const addresses = pc.placementAddresses;
  // one member misses the whole preload: it can only catch up from the leader's snapshot
  await member(lagging).kill('SIGTERM');

  const loader = new PlacementClient({ addresses, callTimeoutMs: 60_000 });
  const value = 'v'.repeat(60);
  for (let i = 0; i < PRELOAD; i += 2_000) {
    await Promise.all(Array.from({ length: 2_000 }, (_, k) => loader.kv.set(`big/${i + k}`, value)));
  }
  loader.close();
  // on a quiet machine the batching client packs the preload into ~150 entries, fewer than a snapshot takes: write
  // single entries until the leader has snapshotted the large state, so its log no longer holds what the lagging
  // member lacks (it keeps SNAPSHOT_ENTRIES / 2 entries behind a snapshot) and the lagging member needs the snapshot
  const filler = new PlacementClient({ addresses, callTimeoutMs: 10_000, batching: false });
  for (let i = 0; (await status(leader)).snapshotIndex < SNAPSHOT_ENTRIES; i += 20) {
    if (i > 5_000) throw new Error(`the leader took no snapshot after ${i} writes\n${detail()}`);
    for (let k = 0; k < 20; k++) await filler.kv.set(`fill/${k}`, String(i));
  }
  filler.close();
  const loaded = await status(leader);

  // the measured window: the lagging member restarts (InstallSnapshot of the whole state), and a lone client writes
  // until every member has taken two snapshots of the large state
  await pc.startPlacementMember(lagging);
  // every member's event-loop delay from here on (SIGUSR2 writes what was recorded so far and starts over): how long
  // each thread was held (the restoring member's by installing and restoring the image, everyone's by snapshots)
  interface Held {
    loopMs: number;
    gcMs: number;
    /** how long the log store held the thread to install the image, when it records that */
    installMs: number | undefined;
  }
  const held = async (id: number): Promise<Held> => {
    const pid = member(id).proc!.child.pid!;
    const file = join(timingsDir, `stages-${pid}.json`);
    rmSync(file, { force: true });
    process.kill(pid, 'SIGUSR2');
    await waitFor(`member ${id}'s timings`, () => existsSync(file) || undefined);
    const report = JSON.parse(readFileSync(file, 'utf8')) as {
      eventLoopDelay: { max: number };
      stages: Record<string, { max: number }>;
    };
    return {
      loopMs: report.eventLoopDelay.max,
      gcMs: Math.max(report.stages['gc.major']?.max ?? 0, report.stages['gc.minor']?.max ?? 0),
      installMs: report.stages['raft.snapshot.install']?.max,
    };
  };
  for (const id of [leader, follower, lagging]) await held(id);
  const client = new PlacementClient({ addresses, callTimeoutMs: 10_000, batching: false });
  const latencies: number[] = [];
  let maxSilenceMs = 0;
  // the leader and the restoring member, from when they are first in touch after its restart
  let restoringSilenceMs = 0;
  let restoringInTouch = false;
  const terms = new Set<number>();
  const leaders = new Set<number>();
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      for (const id of [leader, follower, lagging]) {
        const s = await status(id).catch(() => undefined);
        if (!s) continue;
        terms.add(s.term);
        if (s.leader !== 0) leaders.add(s.leader);
        // how long ago each follower heard from the leader, and the leader from each follower
        for (const m of s.members) {
          if (m.self || m.lastContactMs === null) continue;
          if (id === leader && m.nodeId === lagging) {
            if (m.lastContactMs < TICK_MS * 4) restoringInTouch = true;
            if (restoringInTouch) restoringSilenceMs = Math.max(restoringSilenceMs, m.lastContactMs);
          }
          if (id === lagging || m.nodeId === lagging) continue;
          maxSilenceMs = Math.max(maxSilenceMs, m.lastContactMs);
        }
      }
      await new Promise((r) => setTimeout(r, TICK_MS));
    }
  })();

  const snapshotsAfter = (s: PlacementStatus) => s.snapshotIndex >= loaded.commitIndex + SNAPSHOT_ENTRIES;
  const started = Date.now();
  let n = 0;
  for (;;) {
    const t0 = performance.now();
    await client.kv.set(`small/${n % 100}`, String(n));
    latencies.push(performance.now() - t0);
    n++;
    if (n % 50 !== 0) continue;
    const all = await Promise.all([leader, follower, lagging].map((id) => status(id)));
    const caughtUp = all[2]!.appliedIndex >= loaded.commitIndex;
    if (caughtUp && snapshotsAfter(all[0]!) && snapshotsAfter(all[1]!)) break;
    if (Date.now() - started > 90_000) throw new Error(`no snapshots after 90 s\n${detail()}`);
  }
  watching = false;
  await watcher;
  client.close();

  latencies.sort((a, b) => a - b);
  const p99 = latencies[Math.floor(latencies.length * 0.99)]!;
  const max = latencies[latencies.length - 1]!;
  // how long each of the leader's snapshots of the large state took from start to compacted log (its own log line)
  const snapshotMs = member(leader)
    .output()
    .split('\n')
    .filter((l) => l.includes('"raft log compacted"'))
    .map((l) => JSON.parse(l) as { index: number; ms: number })
    .filter((r) => r.index > loaded.commitIndex)
    .map((r) => r.ms);
  // how long the lagging member's restore of the leader's image took (its own log line)
  const restoreMs = member(lagging)
    .output()
    .split('\n')
    .filter((l) => l.includes('"raft snapshot restored"'))
    .map((l) => (JSON.parse(l) as { ms: number }).ms);
  // each member's longest event-loop delay over the window (the restoring member's: since its restart)
  const [lead, other, lag] = await Promise.all([leader, follower, lagging].map((id) => held(id)));
  const holds = (h: Held) => `${h.loopMs.toFixed(0)} ms (GC ${h.gcMs.toFixed(0)} ms)`;
  const summary = `${n} writes in ${Date.now() - started} ms, p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms, longest silence ${maxSilenceMs} ms, leader's longest silence from the restoring member ${restoringSilenceMs} ms, longest event-loop delay (longest GC pause): leader ${holds(lead!)}, follower ${holds(other!)}, restoring member ${holds(lag!)} (its log store took ${lag!.installMs?.toFixed(1) ?? '?'} ms to install the image), terms ${[...terms]}, leaders ${[...leaders]}, leader's snapshots took ${snapshotMs.join(', ')} ms, the restore took ${restoreMs.join(', ')} ms`;
  console.log(summary);
  expect([...leaders], `${summary}\n${detail()}`).toEqual([leader]);
  expect(terms.size, summary).toBe(1);
  // generous for a machine under load 15 (there p99 was 300–400 ms, the longest silence 350–450 ms); before the fix
  // every run had elections, silences of 1.5 s and more, p99 1.2 s and writes waiting 6 s
  expect(maxSilenceMs, summary).toBeLessThan(TICK_MS * ELECTION_TICKS);
  // the restoring member answered the leader all along
  expect(restoringInTouch, summary).toBe(true);
  expect(restoreMs.length, summary).toBeGreaterThan(0);
  expect(restoringSilenceMs, summary).toBeLessThan(TICK_MS * ELECTION_TICKS);
  expect(p99, summary).toBeLessThan(600);
  expect(max, summary).toBeLessThan(1_500);
  // and whatever the load: no write waited for a snapshot (a loop that waits for one holds a write that long)
  expect(snapshotMs.length, summary).toBeGreaterThan(0);
  expect(max, summary).toBeLessThan(Math.min(...snapshotMs) / 3);
  // the lagging member holds the whole state: it came by snapshot
  const lagged = await status(lagging);
  expect(lagged.snapshotIndex).toBeGreaterThan(0);
  const check = new PlacementClient({ addresses: [addresses[lagging - 1]!] });
  const got = await check.kv.getEntry(`big/${PRELOAD - 1}`, { stale: true });
  check.close();
  expect(got?.value.toString()).toBe(value);
}, 240_000);
