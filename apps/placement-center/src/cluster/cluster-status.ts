// What /api/v1/cluster reports about the placement group. The shape holds a full Raft group (members, leader,
// term, commit/applied index, per-member replication lag); the single-node status below fills it for one member
// that leads itself, and the Raft-backed proposer will supply a real one through the same `ClusterStatusSource`.
import type { RaftNode } from '@robustmq/raft/node';
import type { PlacementStateMachine } from '../state/state-machine.js';

export interface ClusterMemberStatus {
  nodeId: number;
  /** host:port of the member's gRPC server. */
  grpcAddress: string;
  role: 'leader' | 'follower' | 'candidate' | 'learner';
  /** the highest log index known to be replicated on the member (the leader's view). */
  matchIndex: number;
  /** entries the member is behind the leader's commit index. */
  lag: number;
  self: boolean;
  /**
   * milliseconds since this member last heard from it: known on the leader for every member, on a follower only for
   * the leader (followers do not talk to each other), 0 for the member answering; null where unknown.
   */
  lastContactMs: number | null;
  /** heard from within an election timeout; false = down or cut off; null where unknown (ask the leader). */
  reachable: boolean | null;
}

export interface ClusterStatus {
  clusterName: string;
  /** node id of the current leader; 0 when there is none (an election is running). */
  leader: number;
  term: number;
  commitIndex: number;
  appliedIndex: number;
  /** the index of this member's latest Raft snapshot: its log is compacted up to about there. */
  snapshotIndex: number;
  members: ClusterMemberStatus[];
}

export type ClusterStatusSource = () => ClusterStatus;

export function singleNodeStatus(
  sm: PlacementStateMachine,
  self: { nodeId: number; clusterName: string; grpcAddress: () => string },
): ClusterStatusSource {
  return () => {
    // one member: every applied entry is committed, and the member is its own leader at term 0
    const applied = sm.appliedIndex;
    return {
      clusterName: self.clusterName,
      leader: self.nodeId,
      term: 0,
      commitIndex: applied,
      appliedIndex: applied,
      snapshotIndex: 0,
      members: [
        {
          nodeId: self.nodeId,
          grpcAddress: self.grpcAddress(),
          role: 'leader',
          matchIndex: applied,
          lag: 0,
          self: true,
          lastContactMs: 0,
          reachable: true,
        },
      ],
    };
  };
}

export function raftStatus(
  node: RaftNode,
  self: { nodeId: number; clusterName: string },
): ClusterStatusSource {
  return () => {
    const s = node.status();
    return {
      clusterName: self.clusterName,
      leader: s.leaderId,
      term: s.term,
      commitIndex: s.commitIndex,
      // the Raft node's applied index: the state machine's own counts only its commands, so on a member that has
      // applied only leader no-ops and membership entries it stayed 0 while the commit index moved on
      appliedIndex: s.appliedIndex,
      snapshotIndex: s.snapshotIndex,
      members: s.members.map((m) => {
        const isSelf = m.id === self.nodeId;
        const role: ClusterMemberStatus['role'] =
          m.role === 'learner'
            ? 'learner'
            : m.id === s.leaderId
              ? 'leader'
              : isSelf && s.role === 'candidate'
                ? 'candidate'
                : 'follower';
        return {
          nodeId: m.id,
          grpcAddress: m.address,
          role,
          // replication progress is known only on the leader
          matchIndex: m.match ?? (isSelf ? s.lastIndex : 0),
          lag: m.lag ?? 0,
          self: isSelf,
          lastContactMs: m.lastContactMs ?? null,
          reachable: m.reachable ?? null,
        };
      }),
    };
  };
}
