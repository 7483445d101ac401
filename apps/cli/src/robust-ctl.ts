#!/usr/bin/env node
// `robust-ctl`: the admin CLI of a running cluster, over the HTTP admin APIs. Exit codes a script can rely on:
// 0 done, 1 the operation failed (an error answer, an unreachable cluster: one line on stderr), 2 bad usage.
import { Command, CommanderError } from 'commander';
import { CtlError } from './ctl/admin-client.js';
import { addGlobalOptions, Ctx, type GlobalOptions } from './ctl/context.js';
import { dataPlaneCommands } from './ctl/data-plane-commands.js';
import { placementCommands, type Wrap } from './ctl/placement-commands.js';

const program = addGlobalOptions(
  new Command('robust-ctl')
    .description('administer a RobustMQ-TS cluster through its HTTP admin APIs')
    .version('0.1.0')
    // help for a command group given without a subcommand, like `git remote`
    .showSuggestionAfterError(true),
);
program.exitOverride();

const wrap: Wrap =
  (action) =>
  async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const ctx = new Ctx(command.optsWithGlobals<GlobalOptions>(), (text) =>
      process.stdout.write(text + '\n'),
    );
    // commander passes the arguments, then the options object, then the command
    await action(ctx, ...(args.slice(0, -1) as never[]));
  };

placementCommands(program, wrap);
dataPlaneCommands(program, wrap);

// commands are groups (`robust-ctl user list`); a group alone prints its help and is a usage error
for (const command of program.commands) {
  if (command.commands.length > 0) command.exitOverride();
}

try {
  await program.parseAsync();
} catch (err) {
  if (err instanceof CommanderError) {
    // help and --version exit 0; everything else commander rejects is usage
    process.exit(err.exitCode === 0 ? 0 : 2);
  }
  if (err instanceof CtlError) {
    process.stderr.write(`robust-ctl: ${err.message}\n`);
    process.exit(err.exitCode);
  }
  process.stderr.write(`robust-ctl: ${(err as Error).message}\n`);
  process.exit(1);
}
