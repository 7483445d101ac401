// Readings of another process's resource use from /proc (Linux): CPU time (utime + stime over all threads, from
// /proc/<pid>/stat) and resident memory (VmRSS from /proc/<pid>/status). The bench compares brokers by these.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

let ticksPerSecond: number | undefined;

/** The kernel clock tick rate that /proc/<pid>/stat counts CPU time in (`getconf CLK_TCK`, normally 100). */
export function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
      ticksPerSecond = Number.isInteger(value) && value > 0 ? value : 100;
    } catch {
      ticksPerSecond = 100; // getconf missing: Linux has used 100 on every common architecture
    }
  }
  return ticksPerSecond;
}

/** Milliseconds of CPU (user + system) the process has used so far. */
export function cpuTimeMs(pid: number | 'self'): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // the command name (field 2) may hold spaces and parentheses, so fields are counted from the last ')'
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]); // field 14
  const stime = Number(fields[12]); // field 15
  if (!Number.isFinite(utime) || !Number.isFinite(stime))
    throw new Error(`cannot read CPU times from /proc/${pid}/stat`);
  return ((utime + stime) * 1000) / clockTicksPerSecond();
}

/** Resident set size in bytes. */
export function rssBytes(pid: number | 'self'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status (has the process exited?)`);
  return Number(match[1]) * 1024;
}

/**
 * Voluntary context switches summed over the process's threads (/proc/<pid>/task/<tid>/status): each is a thread
 * going to sleep to wait — for a socket, a thread-pool job, a disk flush — and being woken again, so the count per
 * operation is the number of wake-ups (hops) an operation costs across the process. Threads that exited are not
 * counted.
 */
export function voluntaryContextSwitches(pid: number): number {
  let total = 0;
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return 0;
  }
  for (const tid of tasks) {
    try {
      const status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
      const match = /^voluntary_ctxt_switches:\s+(\d+)/m.exec(status);
      if (match) total += Number(match[1]);
    } catch {
      // the thread exited between the listing and the read
    }
  }
  return total;
}
