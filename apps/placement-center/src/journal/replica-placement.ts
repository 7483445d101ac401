// Chooses the journal servers for a new segment, on the proposing member: distinct nodes, least-loaded first
// (fewest segments being written), ties broken by node id so the choice is reproducible. The choice then travels
// in the command, so apply never depends on who is registered at apply time.
import { MetadataError } from '../metadata/metadata-error.js';

export interface ReplicaCandidate {
  nodeId: number;
  /** segments in SEGMENT_WRITE status this node holds. */
  activeSegments: number;
}

export function chooseReplicas(candidates: ReplicaCandidate[], count: number): number[] {
  const distinct = new Map<number, ReplicaCandidate>();
  for (const c of candidates) if (!distinct.has(c.nodeId)) distinct.set(c.nodeId, c);
  if (distinct.size < count) {
    throw new MetadataError(
      'FAILED_PRECONDITION',
      `a segment needs ${count} distinct journal servers for its replicas but only ${distinct.size} ${distinct.size === 1 ? 'is' : 'are'} registered`,
    );
  }
  return [...distinct.values()]
    .sort((a, b) => a.activeSegments - b.activeSegments || a.nodeId - b.nodeId)
    .slice(0, count)
    .map((c) => c.nodeId);
}
