// Leader-only controller: when a journal server leaves placement — expired (heartbeats stopped) or unregistered (clean
// shutdown) — the writable segments it led are handed to a live replica at once instead of waiting for a follower's
// lease to run out. For each such segment it asks the live
// replicas over their inner gRPC port (2228) how far their copy reaches, picks the most caught-up one (highest last
// epoch, then longest; ties to the lowest node id, so the choice is reproducible), commits the move through Raft as a
// compare-and-set on the segment's epoch (a follower taking over by itself at the same moment makes one of the two
// lose cleanly), and tells the chosen replica to take over and the others to re-read the segment. The followers' own
// lease-based takeover stays as the fallback when placement cannot reach anyone.
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '@robustmq/common';
import {
  ClusterClients,
  newJournalInnerClient,
  type ClusterTls,
  type GetSegmentStateReply__Output,
  type JournalInnerServiceClient,
} from '@robustmq/protocol';
import type { NodeRegistry, RegisteredNode } from '../cluster/node-registry.js';
import type { JournalMetadata } from '../journal/journal-metadata.js';
import { MetadataError } from '../metadata/metadata-error.js';
import { JOURNAL_KEY, type StoredSegment } from '../state/journal-records.js';
import type { NodeChange, PlacementStateMachine } from '../state/state-machine.js';
import type { LeaderController } from './controller.js';
import { RepeatingPass } from './repeating-pass.js';

export interface HandoverOptions {
  /** after a pass that could not hand every segment over (no replica reachable), try again this much later. */
  retryMs: number;
  /** deadline of one call to a journal server. */
  callTimeoutMs: number;
  /** the cluster secret sent to the journal servers' inner service (undefined: none). */
  authToken?: string | undefined;
  tls?: ClusterTls | undefined;
  logger: Logger;
}

interface ReplicaAnswer {
  nodeId: number;
  /** how up to date the copy is; a replica holding no copy yet answers as the least up to date. */
  lastEpoch: number;
  durableEnd: number;
}

/** the most caught-up replica: highest last epoch, then the longest log, then the lowest node id. */
export function mostCaughtUp(answers: ReplicaAnswer[]): ReplicaAnswer | undefined {
  return [...answers].sort(
    (a, b) => b.lastEpoch - a.lastEpoch || b.durableEnd - a.durableEnd || a.nodeId - b.nodeId,
  )[0];
}

const PARALLEL_SEGMENTS = 16;

export class JournalSegmentHandover implements LeaderController {
  readonly name = 'journal-segment-handover';
  private running = false;
  private readonly clients: ClusterClients<JournalInnerServiceClient>;
  private readonly passes: RepeatingPass;

  // Both ways out count: a cleanly stopping server unregisters before it closes its ports, and its followers would
  // otherwise wait out their lease. The state machine reports a node's removal once (an expiry after an unregister
  // finds nothing to remove), and a pass only moves segments whose leader is not registered, each by an epoch
  // compare-and-set, so overlapping kicks cannot hand a segment over twice.
  private readonly onNode = (change: NodeChange) => {
    if (change.type === 'unregister' && change.clusterType === 'JOURNAL_SERVER') this.passes.kick();
  };

  constructor(
    private readonly sm: PlacementStateMachine,
    private readonly journal: JournalMetadata,
    private readonly registry: NodeRegistry,
    private readonly options: HandoverOptions,
  ) {
    this.clients = new ClusterClients(newJournalInnerClient, options);
    this.passes = new RepeatingPass(() => this.runPass(), {
      what: 'segment hand-over pass',
      retryMs: options.retryMs,
      logger: options.logger,
    });
  }

  start(): void {
    this.running = true;
    this.sm.on('node', this.onNode);
    // a previous leader may have expired a node and died before handing its segments over
    this.passes.start();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.sm.off('node', this.onNode);
    await this.passes.stop();
    this.clients.close();
  }

  /** Hands over every writable segment whose leader is not a registered journal server; false if some could not be. */
  private async runPass(): Promise<boolean> {
    const live = new Map(this.registry.list('JOURNAL_SERVER').map((n) => [n.nodeId, n] as const));
    const { items } = await this.sm.scanRecords<StoredSegment>(JOURNAL_KEY.segment);
    const orphaned = items.filter((s) => s.status === 'SEGMENT_WRITE' && !live.has(s.leader));
    let complete = true;
    for (let i = 0; i < orphaned.length && this.running; i += PARALLEL_SEGMENTS) {
      const done = await Promise.all(
        orphaned.slice(i, i + PARALLEL_SEGMENTS).map((s) => this.handOver(s, live)),
      );
      if (done.includes(false)) complete = false;
    }
    return complete;
  }

  /** Moves one segment to its most caught-up live replica; false when it should be tried again later. */
  private async handOver(segment: StoredSegment, live: Map<number, RegisteredNode>): Promise<boolean> {
    const { logger } = this.options;
    const where = {
      segment: `${segment.namespace}/${segment.shardName}#${segment.seq}`,
      deadLeader: segment.leader,
      epoch: segment.epoch,
    };
    const candidates = segment.replicas.filter((r) => r !== segment.leader && live.get(r)?.ports['grpc']);
    const answers = (
      await Promise.all(candidates.map((nodeId) => this.replicaState(live.get(nodeId)!, segment)))
    ).filter((a) => a !== undefined);
    const best = mostCaughtUp(answers);
    if (!best) {
      logger.warn({ ...where, candidates }, 'no live replica answered; segment hand-over retried later');
      return false;
    }
    let moved: StoredSegment;
    try {
      moved = await this.journal.updateSegmentLeader(
        {
          namespace: segment.namespace,
          shardName: segment.shardName,
          segmentSeq: segment.seq,
          leader: best.nodeId,
          expectedEpoch: segment.epoch,
        },
        // one id per (segment, epoch): a retry, even by the next placement leader, gets the move that committed
        {
          requestId: `segment-handover/${segment.namespace}/${segment.shardName}/${segment.seq}@${segment.epoch}`,
        },
      );
    } catch (err) {
      if (err instanceof MetadataError && (err.code === 'FAILED_PRECONDITION' || err.code === 'NOT_FOUND')) {
        // a replica took over by itself, or the segment was sealed or deleted meanwhile: nothing left to do
        logger.info({ ...where, reason: err.message }, 'segment changed before its hand-over; left as it is');
        return true;
      }
      logger.warn({ ...where, err }, 'segment hand-over could not be committed; retried later');
      return false;
    }
    logger.warn(
      { ...where, leader: moved.leader, newEpoch: moved.epoch, durableEnd: best.durableEnd },
      'segment leader left; leadership handed to the most caught-up replica',
    );
    const ref = { namespace: moved.namespace, shardName: moved.shardName, segmentSeq: moved.seq };
    // the move is committed; if the activation does not get through, the new leader takes over at its first request
    // or at its own check, so neither call is retried here
    void this.call(
      live.get(best.nodeId)!,
      'ActivateSegmentLeader',
      { ...ref, epoch: moved.epoch },
      10_000,
    ).catch((err: unknown) =>
      logger.warn(
        { ...where, leader: best.nodeId, err: (err as Error).message },
        'new segment leader did not confirm its activation',
      ),
    );
    for (const nodeId of candidates) {
      if (nodeId !== best.nodeId) void this.call(live.get(nodeId)!, 'UpdateCache', ref).catch(() => {});
    }
    return true;
  }

  /** A replica's copy of the segment, or undefined when the node did not answer. */
  private async replicaState(
    node: RegisteredNode,
    segment: StoredSegment,
  ): Promise<ReplicaAnswer | undefined> {
    try {
      const reply = await this.call<GetSegmentStateReply__Output>(node, 'GetSegmentState', {
        namespace: segment.namespace,
        shardName: segment.shardName,
        segmentSeq: segment.seq,
      });
      return { nodeId: node.nodeId, lastEpoch: reply.lastEpoch, durableEnd: reply.durableEndOffset };
    } catch (err) {
      // a replica that never received a record holds no copy: it can still lead (it copies from the others)
      if ((err as grpc.ServiceError).code === grpc.status.NOT_FOUND)
        return { nodeId: node.nodeId, lastEpoch: 0, durableEnd: segment.startOffset };
      this.options.logger.debug(
        { nodeId: node.nodeId, err: (err as Error).message },
        'journal server did not answer GetSegmentState',
      );
      return undefined;
    }
  }

  private call<T>(
    node: RegisteredNode,
    method: 'GetSegmentState' | 'ActivateSegmentLeader' | 'UpdateCache',
    request: object,
    timeoutMs = this.options.callTimeoutMs,
  ): Promise<T> {
    const address = `${node.host}:${node.ports['grpc']}`;
    const client = this.clients.get(address);
    const c = client as unknown as Record<
      string,
      (req: object, options: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: T) => void) => void
    >;
    return new Promise<T>((resolve, reject) => {
      c[method]!.call(client, request, { deadline: Date.now() + timeoutMs }, (err, res) =>
        err ? reject(err) : resolve(res!),
      );
    });
  }
}
