// The placement center's KV store: prefix search with paging, each key's revisions (created, modified, version),
// its value, and put/delete.
import { useState } from 'preact/hooks';
import { api, query } from '../api';
import { DangerButton, Notice, useNotice } from '../components/feedback';
import { Form, TextField, useForm } from '../components/form';
import { PagedTable, usePaged } from '../components/table';

interface Entry {
  key: string;
  value: string;
  encoding: string;
  createRevision: number;
  modRevision: number;
  version: number;
}

const PAGE = 100;
const keyPath = (key: string) => key.split('/').map(encodeURIComponent).join('/');

export function KvBrowser() {
  const [revision, setRevision] = useState<number>();
  const [viewing, setViewing] = useState<Entry>();
  const { notice, setNotice, confirmed } = useNotice();
  const kv = usePaged(
    async (prefix, startAfter) => {
      const page = await api<{ items: Entry[]; more: boolean; revision: number }>(
        'GET',
        `/api/v1/kv${query({ prefix, start_after: startAfter, limit: PAGE })}`,
      );
      setRevision(page.revision);
      return { rows: page.items, more: page.more };
    },
    (e) => e.key,
  );
  const form = useForm({ key: '', value: '' });
  const remove = (key: string) =>
    confirmed(
      `Delete key ${key}?`,
      `key ${key} deleted`,
      () => api('DELETE', `/api/v1/kv/${keyPath(key)}`),
      () => {
        setViewing(undefined);
        kv.reload();
      },
    );
  return (
    <div class="stack">
      <Notice text={notice} />
      <p class="muted">Store revision: {revision ?? '…'}</p>
      <PagedTable
        caption="Keys"
        searchLabel="Key prefix"
        paged={kv}
        rowKey={(e) => e.key}
        empty="no key with this prefix"
        columns={[
          {
            label: 'key',
            value: (e) => (
              <button type="button" class="link" onClick={() => setViewing(e)} aria-label={`view ${e.key}`}>
                {e.key}
              </button>
            ),
          },
          { label: 'value', value: (e) => (e.value.length > 60 ? `${e.value.slice(0, 60)}…` : e.value) },
          { label: 'created at revision', value: (e) => e.createRevision },
          { label: 'modified at revision', value: (e) => e.modRevision },
          { label: 'version', value: (e) => e.version },
        ]}
      />
      {viewing && (
        <section class="card" aria-label={`Key ${viewing.key}`}>
          <h2>{viewing.key}</h2>
          <p class="muted">
            {viewing.encoding} · created at revision {viewing.createRevision}, modified at{' '}
            {viewing.modRevision}, version {viewing.version}
          </p>
          <pre class="payload">{viewing.value}</pre>
          <span class="actions">
            <button type="button" onClick={() => setViewing(undefined)}>
              Close
            </button>
            <DangerButton onClick={() => remove(viewing.key)}>Delete key</DangerButton>
          </span>
        </section>
      )}
      <Form
        title="Put a key"
        form={form}
        submitLabel="Put"
        onSubmit={async () => {
          const v = form.values;
          if (!v.key) return form.fail('key must not be empty');
          if (await form.submit(() => api('PUT', `/api/v1/kv/${keyPath(v.key)}`, { value: v.value }))) {
            setNotice(`key ${v.key} written`);
            form.reset();
            kv.reload();
          }
        }}
      >
        <TextField form={form} name="key" label="Key" />
        <TextField form={form} name="value" label="Value (UTF-8)" />
      </Form>
    </div>
  );
}
