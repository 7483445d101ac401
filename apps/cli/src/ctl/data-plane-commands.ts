// robust-ctl commands answered by the data plane: each MQTT broker's admin API (clients, sessions, subscriptions,
// retained messages, kicking a client) and the journal — shard metadata from placement, local segment replicas with
// their replication lag from each journal server. Brokers and journal servers are found through placement's node
// registry unless --broker / --journal name them.
import { Option, type Command } from 'commander';
import { AdminClient, CtlError } from './admin-client.js';
import { integer } from './context.js';
import type { Wrap } from './placement-commands.js';

const seg = (value: string) => encodeURIComponent(value);

export function dataPlaneCommands(program: Command, wrap: Wrap): void {
  const listing = (name: string, description: string, path: string, key: string, columns: string[]) =>
    program
      .command(name)
      .description(`${description} (every broker)`)
      .command('list', { isDefault: true })
      .action(
        wrap(async (ctx) => {
          const { rows, byNode } = await ctx.gatherFrom('MQTT_BROKER', path, key);
          ctx.print({ json: { brokers: byNode }, rows, columns: ['node', ...columns] });
        }),
      );
  listing('clients', 'connected MQTT clients', '/api/v1/clients', 'clients', [
    'clientId',
    'protocolVersion',
    'remoteAddress',
    'transport',
    'keepAlive',
    'connectedAt',
    'subscriptions',
  ]);
  listing('sessions', 'MQTT sessions', '/api/v1/sessions', 'sessions', [
    'clientId',
    'connected',
    'persistent',
    'expiryInterval',
    'subscriptions',
    'inflight',
    'awaitingRelease',
  ]);
  listing('subscriptions', 'MQTT subscriptions', '/api/v1/subscriptions', 'subscriptions', [
    'clientId',
    'topic',
    'qos',
    'shareGroup',
    'noLocal',
    'retainAsPublished',
    'retainHandling',
  ]);
  listing('retained', 'retained messages', '/api/v1/retained', 'retained', [
    'topic',
    'qos',
    'payloadBytes',
    'publishedAt',
  ]);

  program.commands
    .find((c) => c.name() === 'clients')!
    .command('kick')
    .description('disconnect a client from whichever broker holds it')
    .argument('<client-id>')
    .action(
      wrap(async (ctx, clientId: string) => {
        for (const node of await ctx.dataNodes('MQTT_BROKER')) {
          const answer = await ctx.client.request(node.base, 'DELETE', `/api/v1/clients/${seg(clientId)}`);
          if (answer.status === 404) continue;
          const body = AdminClient.ok(answer, `kick ${clientId} on broker ${node.nodeId}`);
          return ctx.print({
            json: { node: node.nodeId, ...(body as object) },
            message: `client ${clientId} disconnected from broker ${node.nodeId}`,
          });
        }
        throw new CtlError(`client ${JSON.stringify(clientId)} is not connected to any broker`);
      }),
    );

  const journal = program.command('journal').description('journal shards and segments');
  journal
    .command('shards')
    .description('shards known to placement')
    .option('--namespace <ns>', 'only this namespace')
    .action(
      wrap(async (ctx, opts: { namespace?: string }) => {
        const body = (await ctx.client.placement(
          'GET',
          `/api/v1/journal/shards${opts.namespace ? `?namespace=${seg(opts.namespace)}` : ''}`,
        )) as {
          shards: Record<string, unknown>[];
        };
        ctx.print({
          json: body,
          rows: body.shards,
          columns: ['namespace', 'name', 'status', 'activeSegmentSeq', 'config'],
        });
      }),
    );
  journal
    .command('create')
    .description('create a shard (its first segment is placed on --replicas journal servers)')
    .argument('<namespace>')
    .argument('<shard>')
    .option('--replicas <n>', 'replica count (1-7)', integer('--replicas', 1, 7), 1)
    .addOption(
      new Option('--acks <acks>', 'replicas that must have an append before it is acknowledged')
        .choices(['ACKS_ONE', 'ACKS_QUORUM', 'ACKS_ALL'])
        .default('ACKS_QUORUM'),
    )
    .option(
      '--retention-ms <ms>',
      'drop sealed segments older than this (0 = keep)',
      integer('--retention-ms', 0),
      0,
    )
    .action(
      wrap(
        async (
          ctx,
          namespace: string,
          shard: string,
          opts: { replicas: number; acks: string; retentionMs: number },
        ) => {
          const body = await ctx.client.placement('POST', '/api/v1/journal/shards', {
            namespace,
            name: shard,
            config: { replicaCount: opts.replicas, acks: opts.acks, retentionMs: opts.retentionMs },
          });
          ctx.print({ json: body, message: `shard ${namespace}/${shard} created` });
        },
      ),
    );
  journal
    .command('delete')
    .description('delete a shard and all its segments')
    .argument('<namespace>')
    .argument('<shard>')
    .action(
      wrap(async (ctx, namespace: string, shard: string) => {
        await ctx.client.placement('DELETE', `/api/v1/journal/shards/${seg(namespace)}/${seg(shard)}`);
        ctx.print({
          json: { deleted: `${namespace}/${shard}` },
          message: `shard ${namespace}/${shard} deleted`,
        });
      }),
    );
  journal
    .command('segments')
    .description("a shard's segments with replicas, leader and offsets (placement's view)")
    .argument('<namespace>')
    .argument('<shard>')
    .action(
      wrap(async (ctx, namespace: string, shard: string) => {
        const body = (await ctx.client.placement(
          'GET',
          `/api/v1/journal/shards/${seg(namespace)}/${seg(shard)}`,
        )) as { segments: Record<string, unknown>[] };
        ctx.print({
          json: body,
          rows: body.segments,
          columns: ['seq', 'status', 'leader', 'replicas', 'epoch', 'startOffset', 'endOffset'],
        });
      }),
    );
  journal
    .command('replicas')
    .description('segment replicas held by each journal server, with role, high watermark and follower lag')
    .action(
      wrap(async (ctx) => {
        const { rows, byNode } = await ctx.gatherFrom('JOURNAL_SERVER', '/api/v1/segments', 'segments');
        const table = rows.map((r) => ({
          ...r,
          lag: ((r.followers as { nodeId: number; lag: number }[]) ?? [])
            .map((f) => `${f.nodeId}:${f.lag}`)
            .join(' '),
        }));
        ctx.print({
          json: { journalServers: byNode },
          rows: table,
          columns: [
            'node',
            'namespace',
            'shard',
            'seq',
            'role',
            'epoch',
            'endOffset',
            'highWatermark',
            'lag',
          ],
        });
      }),
    );
}
