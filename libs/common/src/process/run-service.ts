// The shared `main` of every service: parse --config, load and validate it (exit 2 with the message on error),
// start, and close cleanly on SIGINT/SIGTERM (a second signal forces exit).
import { parseArgs } from 'node:util';
import { ConfigError, type LoadConfigOptions } from '../config/load.js';

export async function runService<C>(
  name: string,
  load: (options: LoadConfigOptions) => C,
  start: (config: C) => Promise<{ close(): Promise<void> }>,
  argv = process.argv.slice(2),
): Promise<void> {
  let config: C;
  try {
    const { values } = parseArgs({ args: argv, options: { config: { type: 'string', short: 'c' } } });
    config = load(values.config ? { file: values.config } : {});
  } catch (err) {
    const message = err instanceof ConfigError || err instanceof TypeError ? err.message : String(err);
    process.stderr.write(`${name}: ${message}\n`);
    process.exit(2);
  }
  let handle: { close(): Promise<void> };
  try {
    handle = await start(config);
  } catch (err) {
    process.stderr.write(`${name}: failed to start: ${(err as Error).message}\n`);
    process.exit(1);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      process.stderr.write(`${name}: ${signal} again, exiting now\n`);
      process.exit(130);
    }
    stopping = true;
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
}
