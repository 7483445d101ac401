// Topics and subscriptions across every broker: topics with their message counts and the rate since the last
// refresh, retained messages (view the payload, delete), and subscriptions including shared groups.
import { useRef, useState } from 'preact/hooks';
import { api, mergedPage, query } from '../api';
import { DangerButton, Notice, useNotice } from '../components/feedback';
import { PagedTable, usePaged } from '../components/table';
import { subscriptionOptions } from '../format';

interface TopicRow {
  topic: string;
  brokerId: number;
  brokerIds?: number[];
  messages: number;
  lastPublishedAt: string;
}
interface RetainedRow {
  topic: string;
  qos: number;
  payloadBytes: number;
  payload: string;
  publishedAt?: string;
}
interface SubscriptionRow {
  clientId: string;
  brokerId: number;
  topic: string;
  qos: number;
  shareGroup?: string;
  noLocal: boolean;
  retainAsPublished: boolean;
  retainHandling: number;
}

function payloadText(base64: string): string {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return `(binary, base64) ${base64}`;
  }
}

/** A topic as its levels, each a button that narrows the list to the topics under it: the topic tree, walked down. */
function TopicPath({ topic, onPick }: { topic: string; onPick: (prefix: string) => void }) {
  const levels = topic.split('/');
  return (
    <span class="topic-path">
      {levels.map((level, i) => {
        const prefix = levels.slice(0, i + 1).join('/');
        return (
          <span key={prefix}>
            {i > 0 && '/'}
            {i < levels.length - 1 ? (
              <button
                type="button"
                class="link"
                onClick={() => onPick(`${prefix}/`)}
                aria-label={`topics under ${prefix}/`}
              >
                {level || '(empty)'}
              </button>
            ) : (
              level
            )}
          </span>
        );
      })}
    </span>
  );
}

export function Topics() {
  const { notice, confirmed } = useNotice();
  const [viewing, setViewing] = useState<RetainedRow>();
  // messages per topic at the previous load, for a rate
  const seen = useRef(new Map<string, { messages: number; at: number }>());
  const [rates, setRates] = useState(new Map<string, number>());

  const topics = usePaged(
    async (search, startAfter) => {
      const page = await mergedPage<TopicRow>('topics', search, startAfter);
      const now = Date.now();
      const next = new Map<string, number>();
      for (const row of page.rows) {
        const before = seen.current.get(row.topic);
        if (before && now > before.at)
          next.set(row.topic, ((row.messages - before.messages) * 1000) / (now - before.at));
        seen.current.set(row.topic, { messages: row.messages, at: now });
      }
      setRates(next);
      return page;
    },
    (r) => r.topic,
  );
  const retained = usePaged(
    (search, startAfter) => mergedPage<RetainedRow>('retained', search, startAfter),
    (r) => r.topic,
  );
  const subscriptions = usePaged(
    (search, startAfter) => mergedPage<SubscriptionRow>('subscriptions', search, startAfter),
    (r) => `${r.clientId}\n${r.topic}`,
  );

  const remove = (row: RetainedRow) =>
    confirmed(
      `Delete the retained message on ${row.topic}?`,
      `retained message on ${row.topic} deleted`,
      () => api('DELETE', `/api/v1/console/retained${query({ topic: row.topic })}`),
      () => {
        if (viewing?.topic === row.topic) setViewing(undefined);
        retained.reload();
      },
    );

  return (
    <div class="stack">
      <Notice text={notice} />
      <PagedTable
        caption="Topics"
        searchLabel="Search topics"
        paged={topics}
        rowKey={(r) => r.topic}
        empty="no message published yet"
        columns={[
          { label: 'topic', value: (r) => <TopicPath topic={r.topic} onPick={topics.setSearch} /> },
          { label: 'messages', value: (r) => r.messages },
          {
            label: 'rate (msg/s, since last refresh)',
            value: (r) => (rates.has(r.topic) ? rates.get(r.topic)!.toFixed(1) : '—'),
          },
          { label: 'brokers', value: (r) => (r.brokerIds ?? [r.brokerId]).join(', ') },
          { label: 'last published', value: (r) => new Date(r.lastPublishedAt).toLocaleString() },
        ]}
      />
      <PagedTable
        caption="Retained messages"
        searchLabel="Search retained messages (topic)"
        paged={retained}
        rowKey={(r) => r.topic}
        empty="no retained message"
        columns={[
          { label: 'topic', value: (r) => r.topic },
          { label: 'QoS', value: (r) => r.qos },
          { label: 'size', value: (r) => `${r.payloadBytes} B` },
          {
            label: 'published',
            value: (r) => (r.publishedAt ? new Date(r.publishedAt).toLocaleString() : '—'),
          },
          {
            label: 'actions',
            value: (r) => (
              <span class="actions">
                <button
                  type="button"
                  onClick={() => setViewing(r)}
                  aria-label={`view retained message on ${r.topic}`}
                >
                  View
                </button>
                <DangerButton label={`delete retained message on ${r.topic}`} onClick={() => remove(r)} />
              </span>
            ),
          },
        ]}
      />
      {viewing && (
        <section class="card" aria-label={`Retained message on ${viewing.topic}`}>
          <h2>Retained message on {viewing.topic}</h2>
          <pre class="payload">{payloadText(viewing.payload)}</pre>
          <button type="button" onClick={() => setViewing(undefined)}>
            Close
          </button>
        </section>
      )}
      <PagedTable
        caption="Subscriptions"
        searchLabel="Search subscriptions (client, topic filter or shared group)"
        paged={subscriptions}
        rowKey={(r) => `${r.brokerId}/${r.clientId}/${r.topic}`}
        empty="no subscription"
        columns={[
          { label: 'client id', value: (r) => r.clientId },
          { label: 'topic filter', value: (r) => r.topic },
          { label: 'shared group', value: (r) => r.shareGroup ?? '—' },
          { label: 'QoS', value: (r) => r.qos },
          { label: 'broker', value: (r) => r.brokerId },
          { label: 'options', value: subscriptionOptions },
        ]}
      />
    </div>
  );
}
