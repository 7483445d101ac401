// Overview: the placement group (members, roles, term, commit, lag, leader, each member up or down as the answering
// member sees it), every broker and journal server (address, uptime since registration, heartbeat age, version,
// reachable), and live charts of connections, messages in/out per second and journal append latency, from the
// services' metrics every few seconds.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api';
import { Chart } from '../components/chart';
import { ErrorAlert } from '../components/feedback';
import { usePoll } from '../components/poll';
import { Table } from '../components/table';
import { age } from '../format';

interface Member {
  nodeId: number;
  grpcAddress: string;
  role: string;
  matchIndex: number;
  lag: number;
  self?: boolean;
  /** ms since the answering member heard from it; null where it cannot know (a follower about other followers) */
  lastContactMs?: number | null;
  reachable?: boolean | null;
}
interface ClusterStatus {
  clusterName: string;
  leader: number;
  term: number;
  commitIndex: number;
  appliedIndex: number;
  members: Member[];
}
export interface Service {
  nodeId: number;
  host: string;
  ports: Record<string, number>;
  version?: string;
  registeredAtMs: number;
  lastHeartbeatMs: number;
  reachable: boolean;
  metrics: Record<string, number>;
}
interface Services {
  now: number;
  brokers: Service[];
  journals: Service[];
}

const POLL_MS = 2000;
const POINTS = 100;
/** the charts' history, kept while the tab is open so that leaving the Overview and coming back keeps the lines */
const samples: { last: Services | undefined; series: (number | null)[][] } = {
  last: undefined,
  series: [[], [], [], [], [], []],
};
const sum = (list: Service[], key: string) => list.reduce((s, n) => s + (n.metrics[key] ?? 0), 0);

function ServiceTable({
  caption,
  list,
  now,
  port,
}: {
  caption: string;
  list: Service[];
  now: number;
  port: string;
}) {
  return (
    <Table
      caption={caption}
      rows={list}
      rowKey={(s) => String(s.nodeId)}
      empty="none registered"
      columns={[
        { label: 'node', value: (s) => s.nodeId },
        { label: 'address', value: (s) => `${s.host}:${s.ports[port] ?? '?'}` },
        { label: 'HTTP', value: (s) => s.ports.http ?? '—' },
        { label: 'uptime', value: (s) => age(now - s.registeredAtMs) },
        { label: 'heartbeat age', value: (s) => age(now - s.lastHeartbeatMs) },
        { label: 'version', value: (s) => s.version ?? '—' },
        { label: 'metrics', value: (s) => (s.reachable ? 'ok' : <span class="bad">unreachable</span>) },
      ]}
    />
  );
}

/** a placement member's liveness from the answering member's view */
function liveness(m: Member) {
  if (m.reachable === true) return <span class="up">up</span>;
  if (m.reachable === false) return <span class="bad">down</span>;
  return <span title="only the leader hears from every member">unknown</span>;
}

export function Overview() {
  const cluster = usePoll(() => api<ClusterStatus>('GET', '/api/v1/cluster'), POLL_MS);
  const services = usePoll(() => api<Services>('GET', '/api/v1/console/services'), POLL_MS);
  const previous = useRef<Services | undefined>(samples.last);
  const [series, setSeries] = useState<(number | null)[][]>(samples.series);

  useEffect(() => {
    const s = services.data;
    if (!s) return;
    const before = previous.current;
    previous.current = samples.last = s;
    const push = (point: (number | null)[]) =>
      setSeries((old) => (samples.series = old.map((values, i) => [...values, point[i]!].slice(-POINTS))));
    // rates need two samples: the first shows the connections at once and the rates as a gap
    if (!before) return push([s.now / 1000, sum(s.brokers, 'connections'), null, null, null, null]);
    const dt = (s.now - before.now) / 1000;
    if (dt <= 0) return;
    const rate = (list: Service[], old: Service[], key: string) =>
      Math.max(0, (sum(list, key) - sum(old, key)) / dt);
    const appends = sum(s.journals, 'appendCount') - sum(before.journals, 'appendCount');
    const latency =
      appends > 0
        ? ((sum(s.journals, 'appendSecondsSum') - sum(before.journals, 'appendSecondsSum')) / appends) * 1000
        : null;
    push([
      s.now / 1000,
      sum(s.brokers, 'connections'),
      rate(s.brokers, before.brokers, 'messagesReceived'),
      rate(s.brokers, before.brokers, 'messagesSent'),
      latency,
      rate(s.journals, before.journals, 'appendedRecords'),
    ]);
  }, [services.data]);

  const c = cluster.data;
  const s = services.data;
  return (
    <div class="stack">
      <ErrorAlert text={cluster.error ?? services.error} />
      <section class="card" aria-label="Placement center">
        <h2>Placement center</h2>
        {c && (
          <>
            <dl class="facts">
              <div>
                <dt>cluster</dt>
                <dd>{c.clusterName}</dd>
              </div>
              <div>
                <dt>leader</dt>
                <dd data-testid="leader">{c.leader || 'electing'}</dd>
              </div>
              <div>
                <dt>term</dt>
                <dd>{c.term}</dd>
              </div>
              <div>
                <dt>commit index</dt>
                <dd>{c.commitIndex}</dd>
              </div>
              <div>
                <dt>applied index</dt>
                <dd>{c.appliedIndex}</dd>
              </div>
            </dl>
            <Table
              caption="Placement members"
              rows={c.members}
              rowKey={(m) => String(m.nodeId)}
              columns={[
                { label: 'node', value: (m) => `${m.nodeId}${m.self ? ' (this one)' : ''}` },
                { label: 'address', value: (m) => m.grpcAddress },
                { label: 'role', value: (m) => <span class={`role ${m.role}`}>{m.role}</span> },
                { label: 'match index', value: (m) => m.matchIndex },
                { label: 'lag', value: (m) => m.lag },
                { label: 'status', value: liveness },
                {
                  label: 'last contact',
                  value: (m) =>
                    m.lastContactMs === null || m.lastContactMs === undefined
                      ? '—'
                      : `${age(m.lastContactMs)} ago`,
                },
              ]}
            />
            {c.members.some((m) => m.reachable === null) && (
              <p class="hint">
                Liveness as seen by this member: a follower hears only from the leader. Open the console on
                the leader to see every member's.
              </p>
            )}
          </>
        )}
      </section>
      <section class="charts" aria-label="Live metrics">
        <Chart
          title="Connections"
          unit="connections"
          series={[{ label: 'connections', color: '#2b6cb0' }]}
          data={[series[0]!, series[1]!]}
        />
        <Chart
          title="Messages per second"
          unit="msg/s"
          series={[
            { label: 'in', color: '#2f855a' },
            { label: 'out', color: '#c05621' },
          ]}
          data={[series[0]!, series[2]!, series[3]!]}
        />
        <Chart
          title="Storage append latency"
          unit="ms"
          series={[{ label: 'journal append (mean)', color: '#6b46c1' }]}
          data={[series[0]!, series[4]!]}
        />
      </section>
      {s && (
        <>
          <section class="card" aria-label="MQTT brokers">
            <ServiceTable caption="MQTT brokers" list={s.brokers} now={s.now} port="mqtt" />
          </section>
          <section class="card" aria-label="Journal servers">
            <ServiceTable caption="Journal servers" list={s.journals} now={s.now} port="data" />
          </section>
        </>
      )}
    </div>
  );
}
