#!/usr/bin/env node
// `robustmq`: the command that runs RobustMQ. `robustmq start` runs all three services in this process.
import { ConfigError, InvalidArgumentError, cliProgram } from '@robustmq/common';
import { ROLES, startServices, type Role } from './start.js';

function parseRoles(value: string): Role[] {
  const roles = value.split(',').map((r) => r.trim());
  for (const role of roles) {
    if (!(ROLES as readonly string[]).includes(role)) {
      throw new InvalidArgumentError(`unknown role "${role}"; valid roles: ${ROLES.join(', ')}`);
    }
  }
  return roles as Role[];
}

const program = cliProgram('robustmq', 'RobustMQ-TS: a cloud-native message queue').version('0.1.0');

program
  .command('start')
  .description('start services in this process (default: all three, single node, data under ./data)')
  .option('-r, --roles <roles>', `comma-separated roles to run (${ROLES.join(', ')})`, parseRoles, [...ROLES])
  .option('-d, --data-dir <dir>', "parent directory of every role's data", './data')
  .option('-c, --config-dir <dir>', 'directory holding <role>.toml config files', './config')
  .option(
    '-p, --placement <addresses>',
    'placement gRPC addresses (host:port,...) when no placement role runs here',
    (v) => v.split(',').map((a) => a.trim()),
  )
  .option('-l, --log-level <level>', 'log level for every role (overrides config)')
  .action(
    async (opts: {
      roles: Role[];
      dataDir: string;
      configDir: string;
      placement?: string[];
      logLevel?: string;
    }) => {
      let services: Awaited<ReturnType<typeof startServices>>;
      try {
        services = await startServices({
          roles: opts.roles,
          dataDir: opts.dataDir,
          configDir: opts.configDir,
          ...(opts.placement ? { placement: opts.placement } : {}),
          ...(opts.logLevel ? { logLevel: opts.logLevel } : {}),
        });
      } catch (err) {
        process.stderr.write(
          `robustmq: ${err instanceof ConfigError ? '' : 'failed to start: '}${(err as Error).message}\n`,
        );
        process.exit(err instanceof ConfigError ? 2 : 1);
      }
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) process.exit(130);
        stopping = true;
        process.stderr.write(`robustmq: ${signal} received, stopping\n`);
        services.close().then(
          () => process.exit(0),
          (err: unknown) => {
            process.stderr.write(`robustmq: error while stopping: ${(err as Error).message}\n`);
            process.exit(1);
          },
        );
      };
      process.on('SIGINT', () => stop('SIGINT'));
      process.on('SIGTERM', () => stop('SIGTERM'));
    },
  );

await program.parseAsync();
