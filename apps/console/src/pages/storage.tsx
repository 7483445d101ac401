// Storage: the journal's shards as placement knows them (config with retention, status), a shard's segments
// (replicas, leader, epoch, status, offsets) and, from each journal server, the size and role of its local replicas.
import { useState } from 'preact/hooks';
import { api, query, seg } from '../api';
import { errorText } from '../components/feedback';
import { usePoll } from '../components/poll';
import { PagedTable, Table, usePaged } from '../components/table';
import { age, bytes, time } from '../format';
import type { Service } from './overview';

interface Shard {
  namespace: string;
  name: string;
  status: string;
  activeSegmentSeq: number;
  createdAtMs: number;
  config: {
    replicaCount: number;
    acks: string;
    maxSegmentBytes: number;
    maxSegmentAgeMs: number;
    retentionMs: number;
    retentionBytes: number;
  };
}
interface Segment {
  seq: number;
  replicas: number[];
  leader: number;
  epoch: number;
  status: string;
  startOffset: number;
  endOffset: number;
  startTimestampMs: number;
  endTimestampMs: number;
}
interface LocalSegment {
  namespace: string;
  shard: string;
  seq: number;
  role: string;
  endOffset: number;
  sizeBytes: number;
}

const PAGE = 100;
const retention = (c: Shard['config']) =>
  [c.retentionMs ? `${age(c.retentionMs)}` : '', c.retentionBytes ? bytes(c.retentionBytes) : '']
    .filter(Boolean)
    .join(' / ') || 'keep forever';

export function Storage() {
  const [open, setOpen] = useState<Shard>();
  const [segments, setSegments] = useState<Segment[]>();
  const [error, setError] = useState<string>();
  const shards = usePaged(
    async (search, startAfter) => {
      const page = await api<{ shards: Shard[]; more: boolean }>(
        'GET',
        `/api/v1/journal/shards${query({ start_after: startAfter, limit: PAGE })}`,
      );
      return {
        rows: page.shards.filter((s) => `${s.namespace}/${s.name}`.includes(search)),
        more: page.more,
      };
    },
    (s) => `${s.namespace}/${s.name}`,
  );
  // the size of each replica, from the journal servers themselves
  const local = usePoll(async () => {
    const services = await api<{ journals: Service[] }>('GET', '/api/v1/console/services');
    const sizes = new Map<string, { nodeId: number; role: string; sizeBytes: number }[]>();
    await Promise.all(
      services.journals.map(async (j) => {
        const answer = await api<{ segments: LocalSegment[] }>(
          'GET',
          `/api/v1/console/journals/${j.nodeId}/segments`,
        ).catch(() => ({ segments: [] }));
        for (const s of answer.segments) {
          const key = `${s.namespace}/${s.shard}/${s.seq}`;
          sizes.set(key, [
            ...(sizes.get(key) ?? []),
            { nodeId: j.nodeId, role: s.role, sizeBytes: s.sizeBytes },
          ]);
        }
      }),
    );
    return sizes;
  }, 10_000);

  const show = async (shard: Shard) => {
    setOpen(shard);
    setSegments(undefined);
    setError(undefined);
    try {
      const answer = await api<{ segments: Segment[] }>(
        'GET',
        `/api/v1/journal/shards/${seg(shard.namespace)}/${seg(shard.name)}`,
      );
      setSegments(answer.segments);
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <div class="stack">
      <PagedTable
        caption="Journal shards"
        searchLabel="Filter shards on this page (namespace/name)"
        paged={shards}
        rowKey={(s) => `${s.namespace}/${s.name}`}
        empty="no shards"
        columns={[
          {
            label: 'shard',
            value: (s) => (
              <button
                type="button"
                class="link"
                onClick={() => void show(s)}
                aria-label={`segments of ${s.namespace}/${s.name}`}
              >
                {s.namespace}/{s.name}
              </button>
            ),
          },
          { label: 'status', value: (s) => s.status.replace('SHARD_', '').toLowerCase() },
          { label: 'replicas', value: (s) => s.config.replicaCount },
          { label: 'acks', value: (s) => s.config.acks.replace('ACKS_', '').toLowerCase() },
          { label: 'active segment', value: (s) => s.activeSegmentSeq },
          { label: 'retention', value: (s) => retention(s.config) },
          { label: 'created', value: (s) => time(s.createdAtMs) },
        ]}
      />
      {open && (
        <section class="card" aria-label={`Segments of ${open.namespace}/${open.name}`}>
          <h2>
            Segments of {open.namespace}/{open.name}
          </h2>
          <p class="muted">
            Retention: {retention(open.config)}; a segment is sealed at{' '}
            {open.config.maxSegmentBytes ? bytes(open.config.maxSegmentBytes) : '1 GiB'} or after{' '}
            {age(open.config.maxSegmentAgeMs || 3_600_000)}.
          </p>
          <Table
            caption="Segments"
            rows={segments ?? []}
            error={error}
            rowKey={(s) => String(s.seq)}
            empty={segments ? 'no segments' : 'loading…'}
            columns={[
              { label: 'seq', value: (s) => s.seq },
              { label: 'status', value: (s) => s.status.replace('SEGMENT_', '').toLowerCase() },
              { label: 'leader', value: (s) => s.leader },
              { label: 'replicas', value: (s) => s.replicas.join(', ') },
              { label: 'epoch', value: (s) => s.epoch },
              {
                label: 'offsets',
                value: (s) => `${s.startOffset} – ${s.endOffset < 0 ? 'open' : s.endOffset}`,
              },
              {
                label: 'size on each replica',
                value: (s) =>
                  (local.data?.get(`${open.namespace}/${open.name}/${s.seq}`) ?? [])
                    .map((r) => `node ${r.nodeId} (${r.role}): ${bytes(r.sizeBytes)}`)
                    .join('; ') || '—',
              },
            ]}
          />
        </section>
      )}
    </div>
  );
}
