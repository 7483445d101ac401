// `robust-ctl kv watch <prefix>`: follows KV changes as they are committed. Watching is a gRPC stream (placement's
// KvService.Watch; the HTTP admin API has no push), so this command talks to the placement gRPC port with the
// cluster auth token — the one robust-ctl command that needs it.
import { Option, type Command } from 'commander';
import type { WatchEvent } from '@robustmq/placement-client';
import { CtlError } from './admin-client.js';
import { integer, list, type GlobalOptions } from './context.js';

interface WatchOptions {
  placementGrpc: string[];
  clusterToken?: string;
  count?: number;
  fromRevision?: number;
}

function line(event: WatchEvent, output: GlobalOptions['output']): string {
  const value = Buffer.from(event.kv.value).toString('utf8');
  if (output === 'json')
    return JSON.stringify({ type: event.type, key: event.kv.key, value, modRevision: event.kv.modRevision });
  return `${event.type.padEnd(6)} ${event.kv.key}${event.type === 'PUT' ? ` = ${value}` : ''}  (revision ${event.kv.modRevision})`;
}

export function watchCommand(kv: Command): void {
  kv.command('watch')
    .description('print every change under a prefix as it is committed (gRPC; needs the cluster auth token)')
    .argument('<prefix>', 'key prefix ("" = every key)')
    .addOption(
      new Option('--placement-grpc <addresses>', "placement members' gRPC addresses")
        .env('ROBUSTMQ_PLACEMENT_ADDRESSES')
        .argParser(list)
        .default(['127.0.0.1:1228']),
    )
    .addOption(
      new Option('--cluster-token <token>', 'the cluster auth token ([cluster] auth_token)').env(
        'ROBUSTMQ_CLUSTER_AUTH_TOKEN',
      ),
    )
    .option('--count <n>', 'exit after this many changes', integer('--count', 1))
    .option(
      '--from-revision <rev>',
      'replay changes from this revision (default: only new ones)',
      integer('--from-revision', 1),
    )
    .action(async (prefix: string, opts: WatchOptions, command: Command) => {
      const global = command.optsWithGlobals<GlobalOptions>();
      // loaded here, not at the top: gRPC and protobuf would add their start-up time to every other command
      const { PlacementClient, PlacementError } = await import('@robustmq/placement-client');
      const client = new PlacementClient({
        addresses: opts.placementGrpc,
        authToken: opts.clusterToken || undefined,
        attemptTimeoutMs: Math.min(global.timeout, 2000),
        callTimeoutMs: global.timeout,
      });
      try {
        // one read first: a wrong token or an unreachable group fails here with one line instead of a silent retry loop
        let start = opts.fromRevision;
        try {
          start ??= (await client.kv.listPrefix(prefix, '', 1)).revision + 1;
        } catch (err) {
          const reason = err instanceof PlacementError ? err.message : (err as Error).message;
          throw new CtlError(`cannot watch through ${opts.placementGrpc.join(', ')}: ${reason}`);
        }
        let seen = 0;
        await new Promise<void>((resolve, reject) => {
          const watch = client.kv.watch(prefix, {
            startRevision: start,
            onEvent: (event) => {
              process.stdout.write(line(event, global.output) + '\n');
              if (opts.count !== undefined && ++seen >= opts.count) {
                watch.cancel();
                resolve();
              }
            },
            onError: (err) => reject(new CtlError(err.message)),
          });
          process.once('SIGINT', () => {
            watch.cancel();
            resolve();
          });
        });
      } finally {
        client.close();
      }
    });
}
