// The group coordinator's state machine on a fake clock: joins, syncs, heartbeats, leaves, session / rebalance /
// initial-delay / sync timeouts and offset commits, each step with the error code Kafka's coordinator gives there.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/group/clock.js';
import { ErrorCode } from '@robustmq/protocol/kafka';
import { GroupCoordinator, type GroupCoordinatorConfig } from '../../src/group/group-coordinator.js';
import { MemoryOffsetStore } from '../../src/group/offset-store.js';
import type { JoinGroupRequest, JoinGroupResponse } from '../../src/group/types.js';

const G = 'orders';
const SESSION = 10_000;
const REBALANCE = 30_000;

function setup(config: Partial<GroupCoordinatorConfig> = {}, owns?: (g: string) => boolean) {
  const clock = new ManualClock();
  const offsets = new MemoryOffsetStore();
  const coordinator = new GroupCoordinator({
    clock,
    offsets,
    config: { initialRebalanceDelayMs: 0, ...config },
    ...(owns ? { owns } : {}),
  });
  return { clock, offsets, coordinator };
}

/** a promise whose settlement can be checked without awaiting it. */
function track<T>(promise: Promise<T>): { readonly done: boolean; readonly value: T } {
  const state: { done: boolean; value?: T } = { done: false };
  void promise.then((v) => {
    state.done = true;
    state.value = v;
  });
  return {
    get done() {
      return state.done;
    },
    get value() {
      if (!state.done) throw new Error('not answered yet');
      return state.value as T;
    },
  };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function joinReq(
  memberId: string,
  protocols = ['range'],
  extra: Partial<JoinGroupRequest> = {},
): JoinGroupRequest {
  return {
    groupId: G,
    sessionTimeoutMs: SESSION,
    rebalanceTimeoutMs: REBALANCE,
    memberId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: protocols.map((name) => ({ name, metadata: Buffer.from(`${name}:${memberId || 'new'}`) })),
    clientId: 'client',
    clientHost: '/127.0.0.1',
    requireKnownMemberId: false,
    ...extra,
  };
}

async function joinNew(coordinator: GroupCoordinator, protocols?: string[]): Promise<string> {
  const first = await coordinator.joinGroup(joinReq('', protocols, { requireKnownMemberId: true }));
  expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
  expect(first.memberId).toMatch(/^client-/);
  return first.memberId;
}

function sync(
  coordinator: GroupCoordinator,
  memberId: string,
  generationId: number,
  assignments: Record<string, string> = {},
) {
  return coordinator.syncGroup({
    groupId: G,
    generationId,
    memberId,
    groupInstanceId: null,
    protocolType: null,
    protocolName: null,
    assignments: Object.entries(assignments).map(([m, a]) => ({ memberId: m, assignment: Buffer.from(a) })),
  });
}

const hb = (c: GroupCoordinator, memberId: string, generationId: number) =>
  c.heartbeat({ groupId: G, generationId, memberId, groupInstanceId: null });

/** two members joined and synced into generation 1; returns their ids (a is the leader). */
async function stableTwo(coordinator: GroupCoordinator) {
  const a = await joinNew(coordinator);
  const b = await joinNew(coordinator);
  const ja = track(coordinator.joinGroup(joinReq(a)));
  await settle();
  // b's id is pending: the join waits for it
  expect(ja.done).toBe(false);
  const jb = track(coordinator.joinGroup(joinReq(b)));
  await settle();
  expect(ja.value.errorCode).toBe(ErrorCode.NONE);
  expect(jb.value.generationId).toBe(1);
  const leader = ja.value.leader;
  const follower = leader === a ? b : a;
  const sf = track(sync(coordinator, follower, 1));
  await settle();
  expect(sf.done).toBe(false);
  const sl = await sync(coordinator, leader, 1, { [leader]: 'p0', [follower]: 'p1' });
  await settle();
  expect(sl.assignment.toString()).toBe('p0');
  expect(sf.value.assignment.toString()).toBe('p1');
  return { leader, follower, joins: { [a]: ja.value, [b]: jb.value } as Record<string, JoinGroupResponse> };
}

describe('GroupCoordinator', () => {
  it('v4 join hands out a member id first, then the leader alone gets every member metadata', async () => {
    const { coordinator } = setup();
    const { leader, follower, joins } = await stableTwo(coordinator);
    expect(joins[leader]!.members.map((m) => m.memberId).sort()).toEqual([leader, follower].sort());
    expect(joins[leader]!.members.find((m) => m.memberId === follower)!.metadata.toString()).toBe(
      `range:${follower}`,
    );
    expect(joins[follower]!.members).toEqual([]);
    expect(joins[follower]!.protocolName).toBe('range');
    expect(coordinator.group(G)!.state).toBe('Stable');
    const [described] = coordinator.describeGroups([G]);
    expect(described!.groupState).toBe('Stable');
    expect(described!.protocolData).toBe('range');
    expect(described!.members.find((m) => m.memberId === follower)!.assignment.toString()).toBe('p1');
    expect(await coordinator.listGroups()).toEqual([
      { groupId: G, protocolType: 'consumer', groupState: 'Stable' },
    ]);
  });

  it('a pre-v4 join (no member id required) joins at once', async () => {
    const { coordinator } = setup();
    const j = await coordinator.joinGroup(joinReq(''));
    expect(j.errorCode).toBe(ErrorCode.NONE);
    expect(j.generationId).toBe(1);
    expect(j.leader).toBe(j.memberId);
    expect(j.members).toHaveLength(1);
  });

  it('a new member rebalances a stable group: heartbeats say REBALANCE_IN_PROGRESS until everyone joined again', async () => {
    const { coordinator } = setup();
    const { leader, follower } = await stableTwo(coordinator);
    const c = await joinNew(coordinator);
    const jc = track(coordinator.joinGroup(joinReq(c)));
    await settle();
    expect(coordinator.group(G)!.state).toBe('PreparingRebalance');
    expect(hb(coordinator, leader, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(hb(coordinator, follower, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    // an old-generation sync or commit is refused meanwhile
    expect((await sync(coordinator, follower, 1)).errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const jl = track(coordinator.joinGroup(joinReq(leader)));
    const jf = track(coordinator.joinGroup(joinReq(follower)));
    await settle();
    for (const j of [jc, jl, jf]) expect(j.value.generationId).toBe(2);
    expect(jl.value.leader).toBe(leader);
    expect(jl.value.members).toHaveLength(3);
    expect(hb(coordinator, c, 2)).toBe(ErrorCode.NONE);
    expect(hb(coordinator, c, 1)).toBe(ErrorCode.ILLEGAL_GENERATION);
  });

  it('LeaveGroup rebalances the rest; the leader leaving hands leadership on', async () => {
    const { coordinator } = setup();
    const { leader, follower } = await stableTwo(coordinator);
    const left = coordinator.leaveGroup({
      groupId: G,
      members: [{ memberId: leader, groupInstanceId: null }],
    });
    expect(left.errorCode).toBe(ErrorCode.NONE);
    expect(hb(coordinator, follower, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const j = await coordinator.joinGroup(joinReq(follower));
    expect(j.generationId).toBe(2);
    expect(j.leader).toBe(follower);
    expect(j.members.map((m) => m.memberId)).toEqual([follower]);
    expect(
      coordinator.leaveGroup({ groupId: G, members: [{ memberId: leader, groupInstanceId: null }] })
        .errorCode,
    ).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    // the last member leaving empties the group
    expect((await sync(coordinator, follower, 2, { [follower]: 'all' })).assignment.toString()).toBe('all');
    coordinator.leaveGroup({ groupId: G, members: [{ memberId: follower, groupInstanceId: null }] });
    expect(coordinator.describeGroups([G])[0]!.groupState).toBe('Dead');
  });

  it('a member that stops heartbeating is removed after its session timeout, not before', async () => {
    const { coordinator, clock } = setup();
    const { leader, follower } = await stableTwo(coordinator);
    clock.advance(SESSION - 1_000);
    expect(hb(coordinator, leader, 1)).toBe(ErrorCode.NONE);
    expect(hb(coordinator, follower, 1)).toBe(ErrorCode.NONE);
    clock.advance(SESSION - 1_000);
    expect(hb(coordinator, leader, 1)).toBe(ErrorCode.NONE);
    expect(coordinator.group(G)!.hasMember(follower)).toBe(true);
    // the follower's last heartbeat is now 10 s old
    clock.advance(1_000);
    expect(coordinator.group(G)!.hasMember(follower)).toBe(false);
    expect(hb(coordinator, follower, 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(hb(coordinator, leader, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const j = await coordinator.joinGroup(joinReq(leader));
    expect(j.generationId).toBe(2);
    expect(j.members).toHaveLength(1);
  });

  it('a member that does not join again within the rebalance timeout is dropped from the next generation', async () => {
    const { coordinator, clock } = setup();
    const { leader, follower } = await stableTwo(coordinator);
    // the leader re-joins (e.g. subscription changed); the follower keeps heartbeating but never re-joins
    const jl = track(
      coordinator.joinGroup(
        joinReq(leader, ['range'], { protocols: [{ name: 'range', metadata: Buffer.from('v2') }] }),
      ),
    );
    await settle();
    expect(jl.done).toBe(false);
    for (let t = 0; t < 3; t++) {
      clock.advance(REBALANCE / 3 - 1);
      expect(hb(coordinator, follower, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    }
    clock.advance(3);
    await settle();
    expect(jl.value.generationId).toBe(2);
    expect(jl.value.members.map((m) => m.memberId)).toEqual([leader]);
    expect(hb(coordinator, follower, 2)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('a join of a member that lost its answer during CompletingRebalance gets the same generation again', async () => {
    const { coordinator } = setup();
    const j1 = await coordinator.joinGroup(joinReq(''));
    const j2 = await coordinator.joinGroup(
      joinReq(j1.memberId, ['range'], { protocols: joinReq('').protocols }),
    );
    expect(j2.generationId).toBe(1);
    expect(coordinator.group(G)!.rebalances).toBe(1);
  });

  it('members that never sync are dropped after the rebalance timeout; the followers learn REBALANCE_IN_PROGRESS', async () => {
    const { coordinator, clock } = setup();
    // sessions longer than the rebalance timeout, so it is the sync deadline that drops the leader
    const long = { sessionTimeoutMs: 60_000 };
    const a = await joinNew(coordinator);
    const b = await joinNew(coordinator);
    const ja = track(coordinator.joinGroup(joinReq(a, ['range'], long)));
    const jb = track(coordinator.joinGroup(joinReq(b, ['range'], long)));
    await settle();
    const leader = ja.value.leader;
    const follower = leader === a ? b : a;
    expect(jb.value.errorCode).toBe(ErrorCode.NONE);
    const sf = track(sync(coordinator, follower, 1));
    clock.advance(REBALANCE);
    await settle();
    expect(sf.value.errorCode).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    expect(coordinator.group(G)!.hasMember(leader)).toBe(false);
    const again = await coordinator.joinGroup(joinReq(follower, ['range'], long));
    expect(again.generationId).toBe(2);
    expect(again.leader).toBe(follower);
  });

  it('the initial rebalance delay gathers members that start together into one generation', async () => {
    const { coordinator, clock } = setup({ initialRebalanceDelayMs: 3_000 });
    const j1 = track(coordinator.joinGroup(joinReq('')));
    clock.advance(2_000);
    const j2 = track(coordinator.joinGroup(joinReq('')));
    clock.advance(2_000);
    await settle();
    expect(j1.done).toBe(false); // the second member restarted the delay
    clock.advance(1_000);
    await settle();
    expect(j1.value.generationId).toBe(1);
    expect(j2.value.generationId).toBe(1);
    expect(j1.value.members).toHaveLength(2);
    expect(coordinator.group(G)!.rebalances).toBe(1);
  });

  it('picks the protocol every member supports that most members prefer', async () => {
    const { coordinator, clock } = setup({ initialRebalanceDelayMs: 100 });
    const j1 = track(coordinator.joinGroup(joinReq('', ['range', 'roundrobin'])));
    const j2 = track(coordinator.joinGroup(joinReq('', ['roundrobin'])));
    clock.advance(100);
    await settle();
    expect(j1.value.protocolName).toBe('roundrobin');
    expect(j2.value.protocolName).toBe('roundrobin');
    // a member that supports none of the group's protocols, or another protocol type, is refused
    expect((await coordinator.joinGroup(joinReq('', ['sticky']))).errorCode).toBe(
      ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
    );
    expect(
      (await coordinator.joinGroup(joinReq('', ['roundrobin'], { protocolType: 'connect' }))).errorCode,
    ).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  });

  it('refuses what Kafka refuses: session timeout bounds, unknown members, other coordinators, empty group ids', async () => {
    const { coordinator } = setup({ minSessionTimeoutMs: 6_000, maxSessionTimeoutMs: 60_000 });
    expect((await coordinator.joinGroup(joinReq('', ['range'], { sessionTimeoutMs: 1_000 }))).errorCode).toBe(
      ErrorCode.INVALID_SESSION_TIMEOUT,
    );
    expect(
      (await coordinator.joinGroup(joinReq('', ['range'], { sessionTimeoutMs: 61_000 }))).errorCode,
    ).toBe(ErrorCode.INVALID_SESSION_TIMEOUT);
    expect((await coordinator.joinGroup(joinReq('ghost'))).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect((await coordinator.joinGroup(joinReq('', ['range'], { groupId: '' }))).errorCode).toBe(
      ErrorCode.INVALID_GROUP_ID,
    );
    expect((await sync(coordinator, 'ghost', 1)).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(hb(coordinator, 'ghost', 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    const { coordinator: other } = setup({}, () => false);
    expect((await other.joinGroup(joinReq(''))).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(other.heartbeat({ groupId: G, generationId: 1, memberId: 'x', groupInstanceId: null })).toBe(
      ErrorCode.NOT_COORDINATOR,
    );
    const { coordinator: small } = setup({ maxGroupSize: 1, maxGroups: 1 });
    await small.joinGroup(joinReq(''));
    expect((await small.joinGroup(joinReq(''))).errorCode).toBe(ErrorCode.GROUP_MAX_SIZE_REACHED);
    expect((await small.joinGroup(joinReq('', ['range'], { groupId: 'another' }))).errorCode).toBe(
      ErrorCode.COORDINATOR_NOT_AVAILABLE,
    );
  });

  it('offsets: members of the current generation commit; stale generations and strangers do not; fetch by partition or all', async () => {
    const { coordinator } = setup();
    const { leader, follower } = await stableTwo(coordinator);
    const commit = (memberId: string, generationId: number, offset: number, metadata: string | null = null) =>
      coordinator.offsetCommit({
        groupId: G,
        generationId,
        memberId,
        groupInstanceId: null,
        topics: [
          {
            name: 't',
            partitions: [
              {
                partitionIndex: 0,
                committedOffset: offset,
                committedLeaderEpoch: -1,
                committedMetadata: metadata,
              },
            ],
          },
        ],
      });
    const code = async (r: ReturnType<typeof commit>) => (await r).topics[0]!.partitions[0]!.errorCode;
    expect(await code(commit(leader, 1, 42, 'm'))).toBe(ErrorCode.NONE);
    expect(await code(commit(follower, 0, 43))).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(await code(commit('ghost', 1, 43))).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(await code(commit(leader, 1, 44, 'x'.repeat(5_000)))).toBe(ErrorCode.OFFSET_METADATA_TOO_LARGE);
    const fetched = await coordinator.offsetFetch({
      groupId: G,
      topics: [{ name: 't', partitionIndexes: [0, 1] }],
    });
    expect(fetched.topics[0]!.partitions).toEqual([
      { partitionIndex: 0, committedOffset: 42, committedLeaderEpoch: -1, metadata: 'm', errorCode: 0 },
      { partitionIndex: 1, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
    ]);
    // during CompletingRebalance commits wait for the new assignment
    const c = await joinNew(coordinator);
    const joins = [
      coordinator.joinGroup(joinReq(c)),
      coordinator.joinGroup(joinReq(leader)),
      coordinator.joinGroup(joinReq(follower)),
    ];
    await Promise.all(joins);
    expect(await code(commit(leader, 2, 50))).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    // a simple consumer (generation -1) may commit to a group without members
    expect(
      (
        await coordinator.offsetCommit({
          groupId: 'simple',
          generationId: -1,
          memberId: '',
          groupInstanceId: null,
          topics: [
            {
              name: 'u',
              partitions: [
                { partitionIndex: 3, committedOffset: 7, committedLeaderEpoch: 0, committedMetadata: '' },
              ],
            },
          ],
        })
      ).topics[0]!.partitions[0]!.errorCode,
    ).toBe(ErrorCode.NONE);
    const all = await coordinator.offsetFetch({ groupId: 'simple', topics: null });
    expect(all.topics).toEqual([
      {
        name: 'u',
        partitions: [
          { partitionIndex: 3, committedOffset: 7, committedLeaderEpoch: 0, metadata: '', errorCode: 0 },
        ],
      },
    ]);
    expect((await coordinator.listGroups()).map((g) => `${g.groupId}:${g.groupState}`)).toEqual([
      'orders:CompletingRebalance',
      'simple:Empty',
    ]);
    expect(await coordinator.deleteGroup(G)).toBe(ErrorCode.NON_EMPTY_GROUP);
    expect(await coordinator.deleteGroup('simple')).toBe(ErrorCode.NONE);
    expect(await coordinator.deleteGroup('simple')).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
  });

  it('releasing a group that moved answers its waiting requests with NOT_COORDINATOR', async () => {
    let mine = true;
    const { coordinator } = setup({}, () => mine);
    const j1 = await coordinator.joinGroup(joinReq(''));
    const j2 = track(coordinator.joinGroup(joinReq('')));
    await settle();
    expect(j2.done).toBe(false);
    mine = false;
    coordinator.releaseMoved();
    await settle();
    expect(j2.value.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(hb(coordinator, j1.memberId, 1)).toBe(ErrorCode.NOT_COORDINATOR);
  });
});
