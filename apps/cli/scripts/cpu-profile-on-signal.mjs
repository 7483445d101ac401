// A CPU profile of one process of a running cluster over a window of your choice, without an inspector port (Node
// refuses --cpu-prof in NODE_OPTIONS, and `robustmq cluster up` starts every member itself). Preload it into the
// members, then signal the one to profile:
//   NODE_OPTIONS="--import $PWD/apps/cli/scripts/cpu-profile-on-signal.mjs" ROBUSTMQ_PROFILE_ROLE=placement-center \
//     node apps/cli/dist/robustmq.js cluster up --dir /tmp/c --port-offset 13000 --brokers 2
//   kill -USR2 <pid>   # starts the V8 CPU profiler (sampling every 500 µs)
//   kill -USR2 <pid>   # writes <ROBUSTMQ_PROFILE_DIR or /tmp>/<role>-<pid>-<n>.cpuprofile
// Only processes whose command line names ROBUSTMQ_PROFILE_ROLE (e.g. `--roles placement-center`) listen; read the
// profile with `node apps/journal-server/dist/bench/cpu-profile-summary.js <file>` or Chrome DevTools.
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const role = process.env.ROBUSTMQ_PROFILE_ROLE;
if (role && process.argv.includes(role)) {
  const dir = process.env.ROBUSTMQ_PROFILE_DIR ?? '/tmp';
  const session = new Session();
  session.connect();
  let running = false;
  let written = 0;
  process.on('SIGUSR2', () => {
    if (!running) {
      running = true;
      session.post('Profiler.enable', () =>
        session.post('Profiler.setSamplingInterval', { interval: 500 }, () => session.post('Profiler.start')),
      );
      return;
    }
    running = false;
    session.post('Profiler.stop', (err, result) => {
      if (err) return;
      const file = join(dir, `${role}-${process.pid}-${++written}.cpuprofile`);
      writeFileSync(file, JSON.stringify(result.profile));
    });
  });
}
