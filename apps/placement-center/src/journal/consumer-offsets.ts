// Consumer-group offsets per shard: the next offset a group will read. Committing to a shard that does not exist
// is refused (a typo would otherwise be stored and silently never read).
import { requireSegmentName, requireUint } from '../metadata/field-checks.js';
import { accepted, notFound } from '../metadata/metadata-error.js';
import { tagged, type WriteOptions } from '../metadata/write-options.js';
import type { Proposer } from '../state/proposer.js';
import { offsetKey, offsetPrefix, type StoredOffset } from '../state/journal-records.js';
import type { PlacementStateMachine } from '../state/state-machine.js';
import { checkShardRef } from './journal-metadata.js';

export class ConsumerOffsets {
  constructor(
    private readonly sm: PlacementStateMachine,
    private readonly proposer: Proposer,
  ) {}

  async commit(
    groupIn: string,
    namespaceIn: string,
    shardNameIn: string,
    offsetIn: number,
    options: WriteOptions = {},
  ): Promise<StoredOffset> {
    const group = requireSegmentName('group', groupIn);
    const { namespace, name } = checkShardRef(namespaceIn, shardNameIn, 'shard_name');
    const offset: StoredOffset = {
      group,
      namespace,
      shardName: name,
      offset: requireUint('offset', offsetIn),
      committedAtMs: Date.now(),
    };
    const result = accepted(
      await this.proposer.propose({ type: 'journal.offset.commit', offset, ...tagged(options) }),
    );
    return result.offset ?? offset;
  }

  async fetch(groupIn: string, namespaceIn: string, shardNameIn: string): Promise<StoredOffset> {
    const group = requireSegmentName('group', groupIn);
    const { namespace, name } = checkShardRef(namespaceIn, shardNameIn, 'shard_name');
    await this.proposer.readBarrier();
    const offset = await this.sm.getRecord<StoredOffset>(offsetKey(group, namespace, name));
    if (!offset) throw notFound(`group "${group}" has no committed offset for shard ${namespace}/${name}`);
    return offset;
  }

  async list(groupIn: string): Promise<StoredOffset[]> {
    const group = requireSegmentName('group', groupIn);
    await this.proposer.readBarrier();
    return (await this.sm.scanRecords<StoredOffset>(offsetPrefix(group))).items;
  }
}
