// Clients and sessions across every broker: search and server-side paging (the placement center merges the
// brokers' pages), a client's details (protocol, keep-alive, subscriptions, in-flight, queued) and kicking it.
import { useState } from 'preact/hooks';
import { api, mergedPage, seg } from '../api';
import { DangerButton, Notice, errorText, useNotice } from '../components/feedback';
import { PagedTable, Table, usePaged } from '../components/table';

interface ClientRow {
  clientId: string;
  brokerId: number;
  protocolVersion: number;
  remoteAddress: string;
  transport: string;
  keepAlive: number;
  connectedAt: string;
  subscriptions: number;
}
interface SessionRow {
  clientId: string;
  brokerId: number;
  connected: boolean;
  persistent: boolean;
  expiryInterval: number;
  subscriptions: number;
  inflight: number;
  awaitingRelease: number;
}
interface ClientDetail extends ClientRow {
  session: SessionRow;
  subscriptionList: {
    topic: string;
    qos: number;
    shareGroup?: string;
    noLocal: boolean;
    retainAsPublished: boolean;
  }[];
}

const MQTT_VERSIONS: Record<number, string> = { 3: '3.1', 4: '3.1.1', 5: '5.0' };

export function Clients() {
  const [selected, setSelected] = useState<ClientRow>();
  const [detail, setDetail] = useState<ClientDetail>();
  const { notice: message, setNotice: setMessage, confirmed } = useNotice();
  const clients = usePaged(
    (search, startAfter) => mergedPage<ClientRow>('clients', search, startAfter),
    (r) => r.clientId,
  );
  const sessions = usePaged(
    (search, startAfter) => mergedPage<SessionRow>('sessions', search, startAfter),
    (r) => r.clientId,
  );

  const open = async (row: ClientRow) => {
    setSelected(row);
    setDetail(undefined);
    setMessage(undefined);
    try {
      setDetail(
        await api<ClientDetail>(
          'GET',
          `/api/v1/console/brokers/${row.brokerId}/clients/${seg(row.clientId)}`,
        ),
      );
    } catch (err) {
      setMessage(errorText(err));
    }
  };
  const kick = (row: ClientRow) =>
    confirmed(
      `Disconnect client ${row.clientId}?`,
      `client ${row.clientId} disconnected`,
      () => api('DELETE', `/api/v1/console/brokers/${row.brokerId}/clients/${seg(row.clientId)}`),
      () => {
        setDetail(undefined);
        clients.reload();
        sessions.reload();
      },
    );

  return (
    <div class="stack">
      <Notice text={message} />
      <PagedTable
        caption="Connected clients"
        searchLabel="Search clients (id or address)"
        paged={clients}
        rowKey={(r) => `${r.brokerId}/${r.clientId}`}
        empty="no client connected"
        columns={[
          {
            label: 'client id',
            value: (r) => (
              <button
                type="button"
                class="link"
                onClick={() => void open(r)}
                aria-label={`details of ${r.clientId}`}
              >
                {r.clientId}
              </button>
            ),
          },
          { label: 'broker', value: (r) => r.brokerId },
          { label: 'MQTT', value: (r) => MQTT_VERSIONS[r.protocolVersion] ?? r.protocolVersion },
          { label: 'address', value: (r) => `${r.transport} ${r.remoteAddress}` },
          { label: 'keep-alive', value: (r) => `${r.keepAlive} s` },
          { label: 'subscriptions', value: (r) => r.subscriptions },
          { label: 'connected at', value: (r) => new Date(r.connectedAt).toLocaleString() },
          {
            label: 'actions',
            value: (r) => (
              <DangerButton label={`kick ${r.clientId}`} onClick={() => kick(r)}>
                Kick
              </DangerButton>
            ),
          },
        ]}
      />
      {selected && (
        <section class="card" aria-label={`Client ${selected.clientId}`}>
          <h2>Client {selected.clientId}</h2>
          {detail ? (
            <>
              <dl class="facts">
                <div>
                  <dt>broker</dt>
                  <dd>{selected.brokerId}</dd>
                </div>
                <div>
                  <dt>protocol</dt>
                  <dd>MQTT {MQTT_VERSIONS[detail.protocolVersion] ?? detail.protocolVersion}</dd>
                </div>
                <div>
                  <dt>keep-alive</dt>
                  <dd>{detail.keepAlive} s</dd>
                </div>
                <div>
                  <dt>persistent session</dt>
                  <dd>{detail.session.persistent ? 'yes' : 'no'}</dd>
                </div>
                <div>
                  <dt>session expiry</dt>
                  <dd>
                    {detail.session.expiryInterval < 0 ? 'never' : `${detail.session.expiryInterval} s`}
                  </dd>
                </div>
                <div>
                  <dt>in flight</dt>
                  <dd>{detail.session.inflight}</dd>
                </div>
                <div>
                  <dt>awaiting release (QoS 2)</dt>
                  <dd>{detail.session.awaitingRelease}</dd>
                </div>
              </dl>
              <Table
                caption="Subscriptions"
                rows={detail.subscriptionList}
                rowKey={(s) => s.topic}
                empty="no subscriptions"
                columns={[
                  { label: 'topic filter', value: (s) => s.topic },
                  { label: 'QoS', value: (s) => s.qos },
                  { label: 'shared group', value: (s) => s.shareGroup ?? '—' },
                  { label: 'no local', value: (s) => (s.noLocal ? 'yes' : 'no') },
                ]}
              />
              <DangerButton onClick={() => kick(selected)}>Kick {selected.clientId}</DangerButton>
            </>
          ) : (
            !message && <p class="muted">loading…</p>
          )}
        </section>
      )}
      <PagedTable
        caption="Sessions"
        searchLabel="Search sessions (client id)"
        paged={sessions}
        rowKey={(r) => `${r.brokerId}/${r.clientId}`}
        empty="no session"
        columns={[
          { label: 'client id', value: (r) => r.clientId },
          { label: 'broker', value: (r) => r.brokerId },
          { label: 'connected', value: (r) => (r.connected ? 'yes' : 'no') },
          { label: 'persistent', value: (r) => (r.persistent ? 'yes' : 'no') },
          { label: 'expiry', value: (r) => (r.expiryInterval < 0 ? 'never' : `${r.expiryInterval} s`) },
          { label: 'subscriptions', value: (r) => r.subscriptions },
          { label: 'in flight', value: (r) => r.inflight },
          { label: 'awaiting release', value: (r) => r.awaitingRelease },
        ]}
      />
    </div>
  );
}
