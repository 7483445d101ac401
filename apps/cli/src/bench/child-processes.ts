// Every process the bench starts (brokers, load workers) is tracked here, so none outlives the bench: they are
// killed when it exits normally, on an error, and on Ctrl-C / SIGTERM.
import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();
const exitHooks: (() => void)[] = [];

export function trackChild(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
}

/** Runs synchronously at exit (after the children are killed), e.g. to remove a scratch directory. */
export function onBenchExit(hook: () => void): void {
  exitHooks.push(hook);
}

export function killTrackedChildren(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  live.clear();
}

let installed = false;

export function installCleanup(): void {
  if (installed) return;
  installed = true;
  process.on('exit', () => {
    killTrackedChildren();
    for (const hook of exitHooks) {
      try {
        hook();
      } catch {
        // exit hooks are best-effort cleanup; the process is leaving anyway
      }
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      process.stderr.write(`robust-bench: ${signal} received, stopping brokers and load\n`);
      process.exit(130);
    });
  }
}
