// robust-ctl commands answered by the placement center's admin API: cluster status and nodes, Raft membership, KV,
// and the MQTT metadata (users, ACL, blacklist, topic-rewrite and auto-subscribe rules). Paths and bodies are the
// ones docs/admin-api.md documents.
import { Command, InvalidArgumentError, Option } from 'commander';
import { type Ctx, integer } from './context.js';
import { watchCommand } from './watch-command.js';

type Action = (ctx: Ctx, ...args: never[]) => Promise<void>;
export type Wrap = (action: Action) => (...args: unknown[]) => Promise<void>;

const seg = (value: string) => encodeURIComponent(value);
/** KV keys may hold `/`: each level is escaped on its own so the route's wildcard sees the same key. */
const kvPath = (key: string) => key.split('/').map(seg).join('/');

function query(params: Record<string, string | number | undefined>): string {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== '') as [
    string,
    string | number,
  ][];
  return entries.length
    ? '?' + new URLSearchParams(entries.map(([k, v]): [string, string] => [k, String(v)])).toString()
    : '';
}

function nonEmpty(name: string) {
  return (value: string): string => {
    if (!value.trim()) throw new InvalidArgumentError(`${name} must not be empty`);
    return value;
  };
}

export function placementCommands(program: Command, wrap: Wrap): void {
  // ---- cluster
  const cluster = program.command('cluster').description('the placement group');
  cluster
    .command('status')
    .description('leader, term, commit index and each member with its lag')
    .action(
      wrap(async (ctx) => {
        const status = (await ctx.client.placement('GET', '/api/v1/cluster')) as Record<string, unknown> & {
          members: Record<string, unknown>[];
        };
        if (ctx.options.output === 'json') return ctx.print({ json: status });
        const { members, ...summary } = status;
        ctx.print({ json: status, object: summary });
        ctx.print({
          json: status,
          rows: members,
          columns: ['nodeId', 'grpcAddress', 'role', 'matchIndex', 'lag', 'self'],
        });
      }),
    );

  program
    .command('nodes')
    .description('data-plane nodes registered with placement')
    .addOption(
      new Option('-t, --type <type>', 'only this cluster type').choices([
        'PLACEMENT_CENTER',
        'JOURNAL_SERVER',
        'MQTT_BROKER',
        'KAFKA_BROKER',
      ]),
    )
    .action(
      wrap(async (ctx, opts: { type?: string }) => {
        const body = (await ctx.client.placement(
          'GET',
          `/api/v1/cluster/nodes${query({ cluster_type: opts.type })}`,
        )) as { nodes: Record<string, unknown>[] };
        ctx.print({
          json: body,
          rows: body.nodes.map((n) => ({
            ...n,
            registeredAtMs: undefined,
            registered: new Date(n.registeredAtMs as number).toISOString(),
          })),
          columns: ['clusterType', 'nodeId', 'host', 'ports', 'labels', 'registered'],
        });
      }),
    );

  // ---- placement membership (Raft)
  const members = program
    .command('members')
    .description('placement Raft membership (Raft mode only; writes go to the leader)');
  members
    .command('list')
    .description('members with role and lag')
    .action(
      wrap(async (ctx) => {
        const status = (await ctx.client.placement('GET', '/api/v1/cluster')) as {
          members: Record<string, unknown>[];
        };
        ctx.print({ json: status.members, rows: status.members });
      }),
    );
  members
    .command('add')
    .description('add a member (start it first with [cluster] join = true)')
    .argument('<node-id>', 'the new member id', integer('node-id', 1))
    .argument('<address>', 'its gRPC address host:port')
    .option('--learner', 'add as a non-voting learner', false)
    .action(
      wrap(async (ctx, nodeId: number, address: string, opts: { learner: boolean }) => {
        const body = await ctx.client.placement('POST', '/api/v1/cluster/members', {
          nodeId,
          address,
          learner: opts.learner,
        });
        ctx.print({ json: body, message: `member ${nodeId} added${opts.learner ? ' as learner' : ''}` });
      }),
    );
  members
    .command('promote')
    .description('promote a learner to voter')
    .argument('<node-id>', 'member id', integer('node-id', 1))
    .action(
      wrap(async (ctx, nodeId: number) => {
        const body = await ctx.client.placement('POST', `/api/v1/cluster/members/${nodeId}/promote`);
        ctx.print({ json: body, message: `member ${nodeId} promoted` });
      }),
    );
  members
    .command('remove')
    .description('remove a member')
    .argument('<node-id>', 'member id', integer('node-id', 1))
    .action(
      wrap(async (ctx, nodeId: number) => {
        const body = await ctx.client.placement('DELETE', `/api/v1/cluster/members/${nodeId}`);
        ctx.print({ json: body, message: `member ${nodeId} removed` });
      }),
    );
  members
    .command('transfer-leader')
    .description('hand leadership to a voter (waits up to 5 s)')
    .argument('<node-id>', 'the voter to lead', integer('node-id', 1))
    .action(
      wrap(async (ctx, nodeId: number) => {
        const body = await ctx.client.placement('POST', '/api/v1/cluster/leader', { nodeId });
        ctx.print({ json: body, message: `leadership transferred to ${nodeId}` });
      }),
    );

  // ---- KV
  const kv = program.command('kv').description('the placement KV store');
  kv.command('get')
    .argument('<key>', 'key (may contain /)', nonEmpty('key'))
    .action(
      wrap(async (ctx, key: string) => {
        const entry = (await ctx.client.placement('GET', `/api/v1/kv/${kvPath(key)}`)) as Record<
          string,
          unknown
        >;
        ctx.print({ json: entry, object: entry });
      }),
    );
  kv.command('put')
    .argument('<key>', 'key (may contain /)', nonEmpty('key'))
    .argument('<value>', 'value (UTF-8, or base64 with --base64)')
    .option('--base64', 'the value is base64', false)
    .action(
      wrap(async (ctx, key: string, value: string, opts: { base64: boolean }) => {
        const body = (await ctx.client.placement('PUT', `/api/v1/kv/${kvPath(key)}`, {
          value,
          encoding: opts.base64 ? 'base64' : 'utf8',
        })) as Record<string, unknown>;
        ctx.print({ json: body, message: `${key} = ${value} (revision ${String(body.revision)})` });
      }),
    );
  kv.command('del')
    .alias('delete')
    .argument('<key>', 'key', nonEmpty('key'))
    .action(
      wrap(async (ctx, key: string) => {
        const body = (await ctx.client.placement('DELETE', `/api/v1/kv/${kvPath(key)}`)) as {
          deleted: boolean;
        };
        ctx.print({ json: body, message: body.deleted ? `${key} deleted` : `${key} did not exist` });
      }),
    );
  kv.command('list')
    .option('--prefix <prefix>', 'only keys starting with this', '')
    .option('--start-after <key>', 'page after this key')
    .option('--limit <n>', 'at most this many (1-10000)', integer('--limit', 1, 10_000))
    .action(
      wrap(async (ctx, opts: { prefix: string; startAfter?: string; limit?: number }) => {
        const body = (await ctx.client.placement(
          'GET',
          `/api/v1/kv${query({ prefix: opts.prefix, start_after: opts.startAfter, limit: opts.limit })}`,
        )) as {
          items: Record<string, unknown>[];
        };
        ctx.print({
          json: body,
          rows: body.items,
          columns: ['key', 'value', 'encoding', 'modRevision', 'version'],
        });
      }),
    );

  watchCommand(kv);

  // ---- MQTT users
  const user = program
    .command('user')
    .description('MQTT users (passwords are stored as scrypt hashes, never shown)');
  recordCommands(user, wrap, {
    path: '/api/v1/mqtt/users',
    listKey: 'users',
    idArg: 'username',
    what: (username) => `user ${username}`,
  });
  user
    .command('create')
    .argument('<username>', 'username', nonEmpty('username'))
    .requiredOption('--password <password>', 'password')
    .option('--superuser', 'bypasses ACL rules', false)
    .action(
      wrap(async (ctx, username: string, opts: { password: string; superuser: boolean }) => {
        const body = await ctx.client.placement('POST', '/api/v1/mqtt/users', {
          username,
          password: opts.password,
          superuser: opts.superuser,
        });
        ctx.print({ json: body, message: `user ${username} created` });
      }),
    );
  user
    .command('update')
    .argument('<username>')
    .option('--password <password>', 'new password')
    .addOption(new Option('--superuser <bool>', 'superuser flag').choices(['true', 'false']))
    .action(
      wrap(async (ctx, username: string, opts: { password?: string; superuser?: string }) => {
        const change = {
          ...(opts.password !== undefined ? { password: opts.password } : {}),
          ...(opts.superuser ? { superuser: opts.superuser === 'true' } : {}),
        };
        const body = await ctx.client.placement('PUT', `/api/v1/mqtt/users/${seg(username)}`, change);
        ctx.print({ json: body, message: `user ${username} updated` });
      }),
    );

  // ---- ACL
  const acl = program
    .command('acl')
    .description('MQTT ACL rules (evaluated by priority, lowest first; first match decides)');
  recordCommands(acl, wrap, {
    path: '/api/v1/mqtt/acl',
    listKey: 'rules',
    columns: ['id', 'priority', 'permission', 'action', 'subjectType', 'subjectValue', 'topicFilter'],
    idArg: 'id',
    what: (id) => `ACL rule ${id}`,
  });
  acl
    .command('create')
    .addOption(
      new Option('--permission <p>', 'ALLOW or DENY').choices(['ALLOW', 'DENY']).makeOptionMandatory(),
    )
    .addOption(
      new Option('--action <a>', 'what the rule covers')
        .choices(['PUBLISH', 'SUBSCRIBE', 'ALL'])
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--subject-type <t>', 'who it applies to')
        .choices(['SUBJECT_USER', 'SUBJECT_CLIENT_ID', 'SUBJECT_IP', 'SUBJECT_ALL'])
        .makeOptionMandatory(),
    )
    .option('--subject-value <v>', 'username, client id, IP or CIDR (empty for SUBJECT_ALL)', '')
    .requiredOption('--topic <filter>', 'topic filter (%u / %c stand for username / client id)')
    .option('--priority <n>', 'lower is evaluated first', integer('--priority', -2147483648, 2147483647), 0)
    .option('--id <id>', 'rule id (default: a UUID)')
    .action(
      wrap(
        async (
          ctx,
          opts: {
            permission: string;
            action: string;
            subjectType: string;
            subjectValue: string;
            topic: string;
            priority: number;
            id?: string;
          },
        ) => {
          const body = (await ctx.client.placement('POST', '/api/v1/mqtt/acl', {
            ...(opts.id ? { id: opts.id } : {}),
            permission: opts.permission,
            action: opts.action,
            subjectType: opts.subjectType,
            subjectValue: opts.subjectValue,
            topicFilter: opts.topic,
            priority: opts.priority,
          })) as { id: string };
          ctx.print({ json: body, message: `ACL rule ${body.id} created` });
        },
      ),
    );

  // ---- blacklist
  const types = ['BLACKLIST_CLIENT_ID', 'BLACKLIST_USER', 'BLACKLIST_IP', 'BLACKLIST_CIDR'];
  const blacklist = program
    .command('blacklist')
    .description('refused client ids, users, IPs and CIDR blocks');
  blacklist.command('list').action(
    wrap(async (ctx) => {
      const body = (await ctx.client.placement('GET', '/api/v1/mqtt/blacklist')) as {
        entries: Record<string, unknown>[];
      };
      ctx.print({ json: body, rows: body.entries });
    }),
  );
  blacklist
    .command('add')
    .addArgument(new Command().createArgument('<type>', 'entry type').choices(types))
    .argument('<value>', 'client id, username, IP or CIDR block', nonEmpty('value'))
    .option(
      '--expires-at <ms>',
      'until this time (ms since the epoch; 0 = forever)',
      integer('--expires-at', 0),
      0,
    )
    .option('--reason <text>', 'why', '')
    .action(
      wrap(async (ctx, type: string, value: string, opts: { expiresAt: number; reason: string }) => {
        const body = (await ctx.client.placement('POST', '/api/v1/mqtt/blacklist', {
          type,
          value,
          expiresAtMs: opts.expiresAt,
          reason: opts.reason,
        })) as { created: boolean };
        ctx.print({ json: body, message: `${type} ${value} ${body.created ? 'added' : 'replaced'}` });
      }),
    );
  blacklist
    .command('delete')
    .addArgument(new Command().createArgument('<type>', 'entry type').choices(types))
    .argument('<value>')
    .action(
      wrap(async (ctx, type: string, value: string) => {
        // the value is the rest of the path, so a CIDR block keeps its slash
        await ctx.client.placement(
          'DELETE',
          `/api/v1/mqtt/blacklist/${type}/${value.split('/').map(seg).join('/')}`,
        );
        ctx.print({ json: { deleted: { type, value } }, message: `${type} ${value} deleted` });
      }),
    );

  // ---- broker rules
  ruleCommands(program, wrap, {
    name: 'topic-rewrite',
    description: 'topic rewrite rules (applied by every broker)',
    path: '/api/v1/mqtt/topic-rewrite-rules',
    columns: ['id', 'action', 'sourceTopic', 'destTopic', 'regex', 'priority'],
    options: (cmd) =>
      cmd
        .addOption(
          new Option('--action <a>', 'which packets')
            .choices(['publish', 'subscribe', 'all'])
            .makeOptionMandatory(),
        )
        .requiredOption('--source <filter>', 'topic filter the rule applies to')
        .requiredOption('--dest <topic>', 'new topic; $1, $2… are the regex groups')
        .requiredOption('--regex <re>', 'regular expression matched against the topic')
        .option('--priority <n>', 'order among rules', integer('--priority', -2147483648, 2147483647)),
    body: (o) => ({
      action: o.action,
      sourceTopic: o.source,
      destTopic: o.dest,
      regex: o.regex,
      ...(o.priority !== undefined ? { priority: o.priority } : {}),
    }),
  });
  ruleCommands(program, wrap, {
    name: 'auto-subscribe',
    description: 'subscriptions every client gets on connect',
    path: '/api/v1/mqtt/auto-subscribe-rules',
    columns: ['id', 'topicFilter', 'qos', 'noLocal', 'retainAsPublished', 'retainHandling'],
    options: (cmd) =>
      cmd
        .requiredOption('--topic <filter>', 'topic filter')
        .option('--qos <n>', 'maximum QoS', integer('--qos', 0, 2), 0)
        .option('--no-local', 'MQTT 5 No Local')
        .option('--retain-as-published', 'MQTT 5 Retain As Published')
        .option('--retain-handling <n>', 'MQTT 5 Retain Handling', integer('--retain-handling', 0, 2)),
    body: (o) => ({
      topicFilter: o.topic,
      qos: o.qos,
      ...(o.local === false ? { noLocal: true } : {}),
      ...(o.retainAsPublished ? { retainAsPublished: true } : {}),
      ...(o.retainHandling !== undefined ? { retainHandling: o.retainHandling } : {}),
    }),
  });
}

function ruleCommands(
  program: Command,
  wrap: Wrap,
  spec: {
    name: string;
    description: string;
    path: string;
    columns: string[];
    options: (cmd: Command) => Command;
    body: (opts: Record<string, unknown>) => Record<string, unknown>;
  },
): void {
  const group = program.command(spec.name).description(spec.description);
  recordCommands(group, wrap, {
    path: spec.path,
    listKey: 'rules',
    columns: spec.columns,
    idArg: 'id',
    what: (id) => `${spec.name} rule ${id}`,
  });
  spec
    .options(
      group
        .command('set')
        .description('create or replace a rule')
        .argument('<id>', 'rule id', nonEmpty('id')),
    )
    .action(
      wrap(async (ctx, id: string, opts: Record<string, unknown>) => {
        const body = await ctx.client.placement('PUT', `${spec.path}/${seg(id)}`, spec.body(opts));
        ctx.print({ json: body, message: `${spec.name} rule ${id} saved` });
      }),
    );
}

/**
 * `list`, `get <id>` and `delete <id>` of one kind of record kept under `path` (users, ACL rules, broker rules); the
 * group adds its own writes (`create`, `set`…). `what` names one record in messages: `user bob deleted`.
 */
function recordCommands(
  group: Command,
  wrap: Wrap,
  spec: {
    path: string;
    /** the key of the list in the GET answer (`{ users: [...] }`). */
    listKey: string;
    columns?: string[];
    idArg: string;
    what: (id: string) => string;
  },
): void {
  group.command('list').action(
    wrap(async (ctx) => {
      const body = (await ctx.client.placement('GET', spec.path)) as Record<
        string,
        Record<string, unknown>[]
      >;
      ctx.print({ json: body, rows: body[spec.listKey], columns: spec.columns });
    }),
  );
  group
    .command('get')
    .argument(`<${spec.idArg}>`)
    .action(
      wrap(async (ctx, id: string) => {
        const body = (await ctx.client.placement('GET', `${spec.path}/${seg(id)}`)) as Record<
          string,
          unknown
        >;
        ctx.print({ json: body, object: body });
      }),
    );
  group
    .command('delete')
    .argument(`<${spec.idArg}>`)
    .action(
      wrap(async (ctx, id: string) => {
        await ctx.client.placement('DELETE', `${spec.path}/${seg(id)}`);
        ctx.print({ json: { deleted: id }, message: `${spec.what(id)} deleted` });
      }),
    );
}
