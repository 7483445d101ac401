// Rules the brokers apply from placement: topic rewrite (a topic matching a filter and a regular expression becomes
// another) and auto-subscribe (every client subscribed on connect). PUT creates or replaces a rule by its id.
import type { ComponentChildren } from 'preact';
import { api, seg } from '../api';
import { Notice, useNotice } from '../components/feedback';
import { CheckField, Form, SelectField, TextField, useForm, type FormState } from '../components/form';
import { usePoll } from '../components/poll';
import { Table, deleteColumn, type Column } from '../components/table';
import { subscriptionOptions, time } from '../format';

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

/** the forms' empty values */
const NEW_REWRITE = { id: '', action: 'all', sourceTopic: '', regex: '', destTopic: '', priority: '' };
const NEW_AUTO_SUBSCRIBE = {
  id: '',
  topicFilter: '',
  qos: '0',
  noLocal: false,
  retainAsPublished: false,
  retainHandling: '0',
};

type Values = Record<string, string | boolean> & { id: string };

/**
 * One kind of rule: a form that PUTs a rule by its id (create or replace), and the table of rules with a delete
 * button per row. `kind` is the API's name (`/api/v1/mqtt/<kind>-rules`) and the rule's name in the text.
 */
function RuleSection<R extends { id: string; updatedAtMs: number }, V extends Values>(props: {
  kind: 'topic-rewrite' | 'auto-subscribe';
  title: string;
  initial: V;
  body: (values: V) => Record<string, unknown>;
  fields: (form: FormState<V>) => ComponentChildren;
  columns: Column<R>[];
}) {
  const path = `/api/v1/mqtt/${props.kind}-rules`;
  const { notice, setNotice, confirmed } = useNotice();
  const rules = usePoll(() => api<{ rules: R[] }>('GET', `${path}?limit=1000`), 10_000);
  const form = useForm(props.initial);
  const remove = (id: string) =>
    confirmed(
      `Delete ${props.kind} rule ${id}?`,
      `rule ${id} deleted`,
      () => api('DELETE', `${path}/${seg(id)}`),
      rules.reload,
    );
  const caption = `${props.kind[0]!.toUpperCase()}${props.kind.slice(1)} rules`;
  return (
    <section class="stack" aria-label={`${props.title} rules`}>
      <h2>{props.title}</h2>
      <Notice text={notice} />
      <Form
        title={`Add or replace ${props.kind === 'auto-subscribe' ? 'an' : 'a'} ${props.kind} rule`}
        form={form}
        submitLabel="Save rule"
        onSubmit={async () => {
          const v = form.values;
          if (!v.id.trim()) return form.fail('id: give the rule an id (no / or spaces)');
          if (await form.submit(() => api('PUT', `${path}/${seg(v.id)}`, props.body(v)))) {
            setNotice(`rule ${v.id} saved`);
            form.reset();
            rules.reload();
          }
        }}
      >
        {props.fields(form)}
      </Form>
      <Table
        caption={caption}
        rows={rules.data?.rules ?? []}
        error={rules.error}
        rowKey={(r) => r.id}
        empty={`no ${props.kind} rules`}
        columns={[
          { label: 'id', value: (r) => r.id },
          ...props.columns,
          { label: 'updated', value: (r) => time(r.updatedAtMs) },
          deleteColumn<R>(
            (r) => `delete ${props.kind} rule ${r.id}`,
            (r) => remove(r.id),
          ),
        ]}
      />
    </section>
  );
}

function RewriteFields({ form }: { form: FormState<typeof NEW_REWRITE> }) {
  return (
    <>
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
    </>
  );
}

function AutoSubscribeFields({ form }: { form: FormState<typeof NEW_AUTO_SUBSCRIBE> }) {
  return (
    <>
      <TextField form={form} name="id" label="Id" />
      <TextField form={form} name="topicFilter" label="Topic filter" placeholder="alerts/#" />
      <SelectField form={form} name="qos" label="QoS" options={['0', '1', '2']} />
      <CheckField form={form} name="noLocal" label="No local" />
      <CheckField form={form} name="retainAsPublished" label="Retain as published" />
      <SelectField form={form} name="retainHandling" label="Retain handling" options={['0', '1', '2']} />
    </>
  );
}

export function Rules() {
  return (
    <div class="stack">
      <RuleSection<RewriteRule, typeof NEW_REWRITE>
        kind="topic-rewrite"
        title="Topic rewrite"
        initial={NEW_REWRITE}
        body={({ id: _id, priority, ...rest }) => ({
          ...rest,
          ...(priority.trim() ? { priority: asNumber(priority) } : {}),
        })}
        fields={(form) => <RewriteFields form={form} />}
        columns={[
          { label: 'applies to', value: (r) => r.action },
          { label: 'source', value: (r) => r.sourceTopic },
          { label: 'regex', value: (r) => <code>{r.regex}</code> },
          { label: 'destination', value: (r) => r.destTopic },
          { label: 'priority', value: (r) => r.priority ?? '—' },
        ]}
      />
      <RuleSection<AutoSubscribeRule, typeof NEW_AUTO_SUBSCRIBE>
        kind="auto-subscribe"
        title="Auto-subscribe"
        initial={NEW_AUTO_SUBSCRIBE}
        body={({ id: _id, qos, retainHandling, ...rest }) => ({
          ...rest,
          qos: asNumber(qos),
          retainHandling: asNumber(retainHandling),
        })}
        fields={(form) => <AutoSubscribeFields form={form} />}
        columns={[
          { label: 'topic filter', value: (r) => r.topicFilter },
          { label: 'QoS', value: (r) => r.qos },
          { label: 'options', value: subscriptionOptions },
        ]}
      />
    </div>
  );
}
