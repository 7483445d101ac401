// The tests that run the compiled broker (a child process on dist/main.js, the aedes-persistence suite importing
// dist/) build it first. Test files run in parallel, so builds are serialised with a lock directory (mkdir is
// atomic): a second caller waits, then runs `tsc -b` itself, which finds everything up to date.
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const lock = join(tmpdir(), 'robustmq-mqtt-broker-build.lock');

/** builds the broker (and, with `withCluster`, the placement center and journal server its journal tests spawn). */
export async function buildBroker(withCluster = false): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || Date.now() > deadline) throw err;
      // a lock left by a run that was killed mid-build
      const since = statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - since > 90_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    await promisify(execFile)(join(root, 'node_modules/.bin/tsc'), ['-b', 'apps/mqtt-broker', ...(withCluster === true ? ['apps/placement-center', 'apps/journal-server'] : [])], { cwd: root });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
