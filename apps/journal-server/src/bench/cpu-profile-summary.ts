// Summarises V8 .cpuprofile files (written by `node --cpu-prof`) as the functions with the most self time, so a
// benchmark run can say where each process spent its CPU. Used by journal-bench.ts --profile and on its own:
//
//   node apps/journal-server/dist/bench/cpu-profile-summary.js <file.cpuprofile | dir> [--top 15]
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliProgram, integerArg, parseCli, usageError } from '@robustmq/common';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  where: string;
  ms: number;
  share: number;
}

/** self time per function (summed over every node of the same function), largest first. */
export function selfTimes(path: string): { totalMs: number; idleMs: number; top: SelfTime[] } {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as Profile;
  const byNode = new Map<number, ProfileNode>(profile.nodes.map((n) => [n.id, n]));
  const perNode = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    perNode.set(id, (perNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const perFunction = new Map<string, SelfTime>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of perNode) {
    const node = byNode.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName || '(anonymous)';
    total += us;
    if (name === '(idle)') idle += us;
    const file = url.startsWith('file:') ? relative(process.cwd(), fileURLToPath(url)) : url;
    const where = file ? `${file}:${lineNumber + 1}` : '';
    const key = `${name}@${where}`;
    const entry = perFunction.get(key) ?? { name, where, ms: 0, share: 0 };
    entry.ms += us / 1000;
    perFunction.set(key, entry);
  }
  const top = [...perFunction.values()].sort((a, b) => b.ms - a.ms);
  for (const t of top) t.share = total > 0 ? t.ms / (total / 1000) : 0;
  return { totalMs: total / 1000, idleMs: idle / 1000, top };
}

export function printSummary(path: string, limit: number, label = basename(path)): void {
  const { totalMs, idleMs, top } = selfTimes(path);
  console.log(
    `${label}: ${(totalMs / 1000).toFixed(1)} s sampled, ${(((totalMs - idleMs) / totalMs) * 100).toFixed(0)}% busy`,
  );
  for (const t of top.slice(0, limit)) {
    console.log(
      `  ${(t.share * 100).toFixed(1).padStart(5)}%  ${t.ms.toFixed(0).padStart(6)} ms  ${t.name}  ${t.where}`,
    );
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const program = cliProgram(
    'cpu-profile-summary',
    'prints the functions with the most self time of V8 .cpuprofile files',
  )
    .argument('<targets...>', '.cpuprofile files, or folders holding them')
    .option('--top <n>', 'functions to print per profile', integerArg('--top', 1), 15);
  parseCli(program);
  const limit = program.opts<{ top: number }>().top;
  for (const target of program.args) {
    if (!existsSync(target)) usageError(program, `no such file or folder: ${target}`);
    const files = statSync(target).isDirectory()
      ? readdirSync(target)
          .filter((f) => f.endsWith('.cpuprofile'))
          .map((f) => join(target, f))
      : [target];
    for (const f of files) printSummary(f, limit);
  }
}
