// Security: MQTT users (create, change password, delete), ACL rules (create, delete; rules are immutable) and the
// blacklist (add, delete). Every form shows the API's validation message next to the field it names.
import { api, query, seg } from '../api';
import { Notice, useNotice } from '../components/feedback';
import { CheckField, Form, SelectField, TextField, useForm } from '../components/form';
import { usePoll } from '../components/poll';
import { PagedTable, Table, deleteColumn, usePaged } from '../components/table';
import { time } from '../format';

interface User {
  username: string;
  superuser: boolean;
  createdAtMs: number;
  updatedAtMs: number;
}
interface AclRule {
  id: string;
  permission: string;
  action: string;
  subjectType: string;
  subjectValue: string;
  topicFilter: string;
  priority: number;
}
interface BlacklistEntry {
  type: string;
  value: string;
  expiresAtMs: number;
  reason: string;
  createdAtMs: number;
}

const PAGE = 100;

function Users() {
  const { notice, setNotice, confirmed } = useNotice();
  const users = usePaged(
    async (search, startAfter) => {
      const page = await api<{ users: User[]; more: boolean }>(
        'GET',
        `/api/v1/mqtt/users${query({ start_after: startAfter, limit: PAGE })}`,
      );
      // users are listed in name order: the search narrows the page shown
      return { rows: page.users.filter((u) => u.username.includes(search)), more: page.more };
    },
    (u) => u.username,
  );
  const removeUser = (u: User) =>
    confirmed(
      `Delete user ${u.username}?`,
      `user ${u.username} deleted`,
      () => api('DELETE', `/api/v1/mqtt/users/${seg(u.username)}`),
      users.reload,
    );
  const create = useForm({ username: '', password: '', superuser: false });
  const change = useForm({ username: '', password: '' });
  return (
    <section class="stack" aria-label="Users">
      <h2>Users</h2>
      <Notice text={notice} />
      <div class="forms">
        <Form
          title="Create a user"
          form={create}
          submitLabel="Create user"
          onSubmit={async () => {
            const v = create.values;
            if (
              await create.submit(() =>
                api('POST', '/api/v1/mqtt/users', {
                  username: v.username,
                  password: v.password,
                  superuser: v.superuser,
                }),
              )
            ) {
              setNotice(`user ${v.username} created`);
              create.reset();
              users.reload();
            }
          }}
        >
          <TextField form={create} name="username" label="Username" />
          <TextField
            form={create}
            name="password"
            label="Password"
            type="password"
            autocomplete="new-password"
          />
          <CheckField form={create} name="superuser" label="Superuser (ACL rules do not apply)" />
        </Form>
        <Form
          title="Change a password"
          form={change}
          submitLabel="Change password"
          onSubmit={async () => {
            const v = change.values;
            if (!v.username) return change.fail('username: choose a user');
            if (
              await change.submit(() =>
                api('PUT', `/api/v1/mqtt/users/${seg(v.username)}`, { password: v.password }),
              )
            ) {
              setNotice(`password of ${v.username} changed`);
              change.reset();
            }
          }}
        >
          <TextField form={change} name="username" label="Username" />
          <TextField
            form={change}
            name="password"
            label="New password"
            type="password"
            autocomplete="new-password"
          />
        </Form>
      </div>
      <PagedTable
        caption="MQTT users"
        searchLabel="Filter users on this page"
        paged={users}
        rowKey={(u) => u.username}
        empty="no users: with none, clients connect without a password unless the broker requires one"
        columns={[
          { label: 'username', value: (u) => u.username },
          { label: 'superuser', value: (u) => (u.superuser ? 'yes' : 'no') },
          { label: 'created', value: (u) => time(u.createdAtMs) },
          { label: 'updated', value: (u) => time(u.updatedAtMs) },
          deleteColumn((u) => `delete user ${u.username}`, removeUser),
        ]}
      />
    </section>
  );
}

function Acl() {
  const { notice, setNotice, confirmed } = useNotice();
  const rules = usePoll(() => api<{ rules: AclRule[] }>('GET', '/api/v1/mqtt/acl'), 10_000);
  const removeRule = (r: AclRule) =>
    confirmed(
      'Delete this ACL rule?',
      'ACL rule deleted',
      () => api('DELETE', `/api/v1/mqtt/acl/${seg(r.id)}`),
      rules.reload,
    );
  const form = useForm({
    id: '',
    permission: 'DENY',
    action: 'PUBLISH',
    subjectType: 'SUBJECT_USER',
    subjectValue: '',
    topicFilter: '',
    priority: '0',
  });
  return (
    <section class="stack" aria-label="ACL rules">
      <h2>ACL rules</h2>
      <p class="muted">
        Rules are evaluated lowest priority first; the first that matches decides. To change a rule, delete it
        and create it again.
      </p>
      <Notice text={notice} />
      <Form
        title="Add an ACL rule"
        form={form}
        submitLabel="Add rule"
        onSubmit={async () => {
          const v = form.values;
          const priority = Number(v.priority);
          const body = {
            ...(v.id ? { id: v.id } : {}),
            permission: v.permission,
            action: v.action,
            subjectType: v.subjectType,
            subjectValue: v.subjectValue,
            topicFilter: v.topicFilter,
            priority: v.priority.trim() === '' || !Number.isInteger(priority) ? v.priority : priority,
          };
          if (await form.submit(() => api('POST', '/api/v1/mqtt/acl', body))) {
            setNotice('ACL rule added');
            form.reset();
            rules.reload();
          }
        }}
      >
        <TextField form={form} name="id" label="Id (optional)" />
        <SelectField form={form} name="permission" label="Permission" options={['ALLOW', 'DENY']} />
        <SelectField form={form} name="action" label="Action" options={['PUBLISH', 'SUBSCRIBE', 'ALL']} />
        <SelectField
          form={form}
          name="subjectType"
          label="Subject type"
          options={['SUBJECT_USER', 'SUBJECT_CLIENT_ID', 'SUBJECT_IP', 'SUBJECT_ALL']}
        />
        <TextField
          form={form}
          name="subjectValue"
          label="Subject value"
          hint="username, client id, address or CIDR; empty for SUBJECT_ALL"
        />
        <TextField
          form={form}
          name="topicFilter"
          label="Topic filter"
          hint="+ and # as whole levels; %u and %c for username and client id"
        />
        <TextField form={form} name="priority" label="Priority" />
      </Form>
      <Table
        caption="ACL rules in evaluation order"
        rows={rules.data?.rules ?? []}
        error={rules.error}
        rowKey={(r) => r.id}
        empty="no ACL rules: everything is allowed"
        columns={[
          { label: 'priority', value: (r) => r.priority },
          { label: 'permission', value: (r) => r.permission },
          { label: 'action', value: (r) => r.action },
          {
            label: 'subject',
            value: (r) => `${r.subjectType.replace('SUBJECT_', '').toLowerCase()} ${r.subjectValue}`,
          },
          { label: 'topic filter', value: (r) => r.topicFilter },
          { label: 'id', value: (r) => <code>{r.id}</code> },
          deleteColumn((r) => `delete ACL rule ${r.id}`, removeRule),
        ]}
      />
    </section>
  );
}

function Blacklist() {
  const { notice, setNotice, confirmed } = useNotice();
  const entries = usePoll(() => api<{ entries: BlacklistEntry[] }>('GET', '/api/v1/mqtt/blacklist'), 10_000);
  const removeEntry = (e: BlacklistEntry) =>
    confirmed(
      `Remove ${e.value} from the blacklist?`,
      `${e.value} removed from the blacklist`,
      // the value is the rest of the path, so a CIDR block keeps its slash
      () => api('DELETE', `/api/v1/mqtt/blacklist/${e.type}/${e.value.split('/').map(seg).join('/')}`),
      entries.reload,
    );
  const form = useForm({ type: 'BLACKLIST_CLIENT_ID', value: '', reason: '', expiresAtMs: '0' });
  return (
    <section class="stack" aria-label="Blacklist">
      <h2>Blacklist</h2>
      <Notice text={notice} />
      <Form
        title="Add a blacklist entry"
        form={form}
        submitLabel="Add entry"
        onSubmit={async () => {
          const v = form.values;
          const expires = Number(v.expiresAtMs);
          const body = {
            type: v.type,
            value: v.value,
            reason: v.reason,
            expiresAtMs: v.expiresAtMs.trim() !== '' && Number.isInteger(expires) ? expires : v.expiresAtMs,
          };
          if (await form.submit(() => api('POST', '/api/v1/mqtt/blacklist', body))) {
            setNotice(`${v.value} blacklisted`);
            form.reset();
            entries.reload();
          }
        }}
      >
        <SelectField
          form={form}
          name="type"
          label="Type"
          options={['BLACKLIST_CLIENT_ID', 'BLACKLIST_USER', 'BLACKLIST_IP', 'BLACKLIST_CIDR']}
        />
        <TextField form={form} name="value" label="Value" />
        <TextField form={form} name="reason" label="Reason" />
        <TextField form={form} name="expiresAtMs" label="Expires at (ms since epoch, 0 = never)" />
      </Form>
      <Table
        caption="Blacklist entries"
        rows={entries.data?.entries ?? []}
        error={entries.error}
        rowKey={(e) => `${e.type}/${e.value}`}
        empty="nobody is blacklisted"
        columns={[
          { label: 'type', value: (e) => e.type.replace('BLACKLIST_', '').toLowerCase() },
          { label: 'value', value: (e) => e.value },
          { label: 'reason', value: (e) => e.reason || '—' },
          { label: 'expires', value: (e) => (e.expiresAtMs ? time(e.expiresAtMs) : 'never') },
          deleteColumn((e) => `delete blacklist entry ${e.value}`, removeEntry),
        ]}
      />
    </section>
  );
}

export function Security() {
  return (
    <div class="stack">
      <Users />
      <Acl />
      <Blacklist />
    </div>
  );
}
