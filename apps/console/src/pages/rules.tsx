// Rules the brokers apply from placement: topic rewrite (a topic matching a filter and a regular expression becomes
// another) and auto-subscribe (every client subscribed on connect). PUT creates or replaces a rule by its id.
import { useState } from 'preact/hooks';
import { ApiError, api, seg } from '../api';
import { CheckField, Form, SelectField, TextField, useForm } from '../components/form';
import { usePoll } from '../components/poll';
import { Table } from '../components/table';
import { time } from '../format';

interface RewriteRule {
  id: string;
  action: string;
  sourceTopic: string;
  destTopic: string;
  regex: string;
  priority?: number;
  updatedAtMs: number;
}
interface AutoSubscribeRule {
  id: string;
  topicFilter: string;
  qos: number;
  noLocal?: boolean;
  retainAsPublished?: boolean;
  retainHandling?: number;
  updatedAtMs: number;
}

const asNumber = (text: string) =>
  text.trim() !== '' && Number.isInteger(Number(text)) ? Number(text) : text;

function Rewrite() {
  const [notice, setNotice] = useState<string>();
  const rules = usePoll(
    () => api<{ rules: RewriteRule[] }>('GET', '/api/v1/mqtt/topic-rewrite-rules?limit=1000'),
    10_000,
  );
  const form = useForm({ id: '', action: 'all', sourceTopic: '', regex: '', destTopic: '', priority: '' });
  const remove = async (id: string) => {
    if (!confirm(`Delete topic-rewrite rule ${id}?`)) return;
    try {
      await api('DELETE', `/api/v1/mqtt/topic-rewrite-rules/${seg(id)}`);
      setNotice(`rule ${id} deleted`);
      rules.reload();
    } catch (err) {
      setNotice(err instanceof ApiError ? err.message : String(err));
    }
  };
  return (
    <section class="stack" aria-label="Topic rewrite rules">
      <h2>Topic rewrite</h2>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <Form
        title="Add or replace a topic-rewrite rule"
        form={form}
        submitLabel="Save rule"
        onSubmit={async () => {
          const v = form.values;
          if (!v.id.trim())
            return void form.submit(() =>
              Promise.reject(
                new ApiError(400, 'INVALID_ARGUMENT', 'id: give the rule an id (no / or spaces)'),
              ),
            );
          const body = {
            action: v.action,
            sourceTopic: v.sourceTopic,
            regex: v.regex,
            destTopic: v.destTopic,
            ...(v.priority.trim() ? { priority: asNumber(v.priority) } : {}),
          };
          if (await form.submit(() => api('PUT', `/api/v1/mqtt/topic-rewrite-rules/${seg(v.id)}`, body))) {
            setNotice(`rule ${v.id} saved`);
            form.reset();
            rules.reload();
          }
        }}
      >
        <TextField form={form} name="id" label="Id" />
        <SelectField form={form} name="action" label="Applies to" options={['all', 'publish', 'subscribe']} />
        <TextField form={form} name="sourceTopic" label="Source topic filter" placeholder="old/#" />
        <TextField form={form} name="regex" label="Regular expression" placeholder="^old/(.+)$" />
        <TextField
          form={form}
          name="destTopic"
          label="Destination topic"
          placeholder="new/$1"
          hint="$1, $2… are the expression's groups"
        />
        <TextField form={form} name="priority" label="Priority (optional)" />
      </Form>
      {rules.error && (
        <p class="error" role="alert">
          {rules.error}
        </p>
      )}
      <Table
        caption="Topic-rewrite rules"
        rows={rules.data?.rules ?? []}
        rowKey={(r) => r.id}
        empty="no topic-rewrite rules"
        columns={[
          { label: 'id', value: (r) => r.id },
          { label: 'applies to', value: (r) => r.action },
          { label: 'source', value: (r) => r.sourceTopic },
          { label: 'regex', value: (r) => <code>{r.regex}</code> },
          { label: 'destination', value: (r) => r.destTopic },
          { label: 'priority', value: (r) => r.priority ?? '—' },
          { label: 'updated', value: (r) => time(r.updatedAtMs) },
          {
            label: 'actions',
            value: (r) => (
              <button
                type="button"
                class="danger"
                aria-label={`delete rewrite rule ${r.id}`}
                onClick={() => void remove(r.id)}
              >
                Delete
              </button>
            ),
          },
        ]}
      />
    </section>
  );
}

function AutoSubscribe() {
  const [notice, setNotice] = useState<string>();
  const rules = usePoll(
    () => api<{ rules: AutoSubscribeRule[] }>('GET', '/api/v1/mqtt/auto-subscribe-rules?limit=1000'),
    10_000,
  );
  const form = useForm({
    id: '',
    topicFilter: '',
    qos: '0',
    noLocal: false,
    retainAsPublished: false,
    retainHandling: '0',
  });
  const remove = async (id: string) => {
    if (!confirm(`Delete auto-subscribe rule ${id}?`)) return;
    try {
      await api('DELETE', `/api/v1/mqtt/auto-subscribe-rules/${seg(id)}`);
      setNotice(`rule ${id} deleted`);
      rules.reload();
    } catch (err) {
      setNotice(err instanceof ApiError ? err.message : String(err));
    }
  };
  return (
    <section class="stack" aria-label="Auto-subscribe rules">
      <h2>Auto-subscribe</h2>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <Form
        title="Add or replace an auto-subscribe rule"
        form={form}
        submitLabel="Save rule"
        onSubmit={async () => {
          const v = form.values;
          if (!v.id.trim())
            return void form.submit(() =>
              Promise.reject(
                new ApiError(400, 'INVALID_ARGUMENT', 'id: give the rule an id (no / or spaces)'),
              ),
            );
          const body = {
            topicFilter: v.topicFilter,
            qos: asNumber(v.qos),
            noLocal: v.noLocal,
            retainAsPublished: v.retainAsPublished,
            retainHandling: asNumber(v.retainHandling),
          };
          if (await form.submit(() => api('PUT', `/api/v1/mqtt/auto-subscribe-rules/${seg(v.id)}`, body))) {
            setNotice(`rule ${v.id} saved`);
            form.reset();
            rules.reload();
          }
        }}
      >
        <TextField form={form} name="id" label="Id" />
        <TextField form={form} name="topicFilter" label="Topic filter" placeholder="alerts/#" />
        <SelectField form={form} name="qos" label="QoS" options={['0', '1', '2']} />
        <CheckField form={form} name="noLocal" label="No local" />
        <CheckField form={form} name="retainAsPublished" label="Retain as published" />
        <SelectField form={form} name="retainHandling" label="Retain handling" options={['0', '1', '2']} />
      </Form>
      <Table
        caption="Auto-subscribe rules"
        rows={rules.data?.rules ?? []}
        rowKey={(r) => r.id}
        empty="no auto-subscribe rules"
        columns={[
          { label: 'id', value: (r) => r.id },
          { label: 'topic filter', value: (r) => r.topicFilter },
          { label: 'QoS', value: (r) => r.qos },
          {
            label: 'options',
            value: (r) =>
              [
                r.noLocal ? 'no-local' : '',
                r.retainAsPublished ? 'retain-as-published' : '',
                `retain-handling ${r.retainHandling ?? 0}`,
              ]
                .filter(Boolean)
                .join(', '),
          },
          { label: 'updated', value: (r) => time(r.updatedAtMs) },
          {
            label: 'actions',
            value: (r) => (
              <button
                type="button"
                class="danger"
                aria-label={`delete auto-subscribe rule ${r.id}`}
                onClick={() => void remove(r.id)}
              >
                Delete
              </button>
            ),
          },
        ]}
      />
    </section>
  );
}

export function Rules() {
  return (
    <div class="stack">
      <Rewrite />
      <AutoSubscribe />
    </div>
  );
}
