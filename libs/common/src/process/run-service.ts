// The shared `main` of every service: parse --config (and --help), load and validate it (exit 2 with the message on
// error), start, and close cleanly on SIGINT/SIGTERM (a second signal forces exit).
import { cliProgram, parseCli, USAGE_EXIT_CODE } from '../cli/command.js';
import { ConfigError, type LoadConfigOptions } from '../config/load.js';

export async function runService<C>(
  name: string,
  load: (options: LoadConfigOptions) => C,
  start: (config: C) => Promise<{ close(): Promise<void> }>,
  argv = process.argv.slice(2),
): Promise<void> {
  const program = cliProgram(
    name,
    `runs the ${name}; configuration from a TOML file and ROBUSTMQ_<SECTION>_<KEY> environment variables (docs/configuration.md)`,
  ).option('-c, --config <file>', 'TOML configuration file (default: built-in defaults + environment)');
  const values = parseCli(program, argv).opts<{ config?: string }>();
  let config: C;
  try {
    config = load(values.config ? { file: values.config } : {});
  } catch (err) {
    const message = err instanceof ConfigError ? err.message : String(err);
    process.stderr.write(`${name}: ${message}\n`);
    process.exit(USAGE_EXIT_CODE);
  }
  // Signal handlers go in before start: a service is visible (registered with placement, listening) before start()
  // resolves, so a SIGTERM may come while it is still starting — it then stops as soon as start returns, cleanly.
  let handle: { close(): Promise<void> } | undefined;
  let stopSignal: string | undefined;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      process.stderr.write(`${name}: ${signal} again, exiting now\n`);
      process.exit(130);
    }
    stopping = true;
    if (!handle) {
      stopSignal = signal;
      return;
    }
    handle.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`${name}: error while stopping: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  try {
    handle = await start(config);
  } catch (err) {
    // a configuration mistake found while starting (an unreadable token file, ...) is still a usage error
    if (err instanceof ConfigError) {
      process.stderr.write(`${name}: ${err.message}\n`);
      process.exit(USAGE_EXIT_CODE);
    }
    process.stderr.write(`${name}: failed to start: ${(err as Error).message}\n`);
    process.exit(1);
  }
  if (stopSignal) {
    stopping = false;
    stop(stopSignal);
  }
}
