#!/usr/bin/env node
// Mutation check for the simulator: plants known Raft bugs in a copy of the compiled core and counts the seeds that
// catch each one. Run after `npx tsc -b libs/raft`:  node libs/raft/scripts/mutants.mjs [--seeds N] [--only name]
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { seeds: { type: 'string', default: '600' }, only: { type: 'string' } },
});
const seeds = Number(values.seeds);
const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');

/** [name, file, pattern, replacement, what a correct core does instead] */
const mutants = [
  [
    'leader counts itself before its entries are durable',
    'raft.js',
    /this\.send\(\{\s*type: 'MsgAppResp',\s*to: this\.id,\s*index: newLast[^;]*;/,
    'if (this.trk.progress.get(this.id)?.maybeUpdate(newLast)) this.maybeCommit();',
  ],
  [
    'candidate counts its own vote before it is durable',
    'raft.js',
    /this\.send\(\{ type: respType, to: id, term, reject: false \}\);/,
    'this.stepInner({ type: respType, from: id, to: id, term, reject: false });',
  ],
  [
    'votes granted without the log up-to-date check',
    'raft.js',
    /canVote && this\.log\.isUpToDate\(m\.index, m\.logTerm\)/,
    'canVote',
  ],
  [
    'acknowledgements sent before persistence',
    'raft.js',
    /else if \(mustSendAfterPersist\(full\.type\)\)/,
    'else if (false)',
  ],
  [
    'heartbeat commit not capped by the follower match',
    'raft.js',
    /const commit = Math\.min\(pr\.match, this\.log\.committed\);/,
    'const commit = this.log.committed;',
  ],
  ['ReadIndex answered without a quorum round', 'raft.js', /if \(this\.leaseValid\(\)\) \{/, 'if (true) {'],
  [
    'ReadIndex served before the first commit of the term',
    'raft.js',
    /if \(!this\.committedEntryInCurrentTerm\(\)\) \{\s*this\.pendingReadIndexRequests/,
    'if (false) { this.pendingReadIndexRequests',
  ],
  [
    'stale snapshot installed over committed entries',
    'raft.js',
    /if \(meta\.index <= this\.log\.committed\) \{/,
    'if (meta.index < 0) {',
  ],
  [
    'several uncommitted membership changes at once',
    'raft.js',
    /if \(this\.lastConfIndex\(\) > this\.log\.committed\) \{/,
    'if (false) {',
  ],
  [
    'commit by counting replicas of old-term entries (figure 8)',
    'raft-log.js',
    /this\.term\(maxIndex\) === term/,
    'this.term(maxIndex) !== undefined',
  ],
  [
    'follower commits past the entries it knows match',
    'raft-log.js',
    /this\.commitTo\(Math\.min\(committed, lastNew\)\)/,
    'this.commitTo(Math.min(committed, this.lastIndex()))',
  ],
  [
    'lease three times too long',
    'raft.js',
    /leaseStart \+ this\.cfg\.electionTick - this\.cfg\.leaseSafetyMarginTicks/,
    'leaseStart + 3 * this.cfg.electionTick',
  ],
];

let exit = 0;
for (const [name, file, pattern, replacement] of mutants) {
  if (values.only && !name.includes(values.only)) continue;
  const dir = mkdtempSync(join(tmpdir(), 'raft-mutant-'));
  try {
    cpSync(dist, dir, { recursive: true });
    const path = join(dir, file);
    const src = readFileSync(path, 'utf8');
    const mutated = src.replace(pattern, replacement);
    if (mutated === src) {
      console.log(`?? ${name}: pattern not found in ${file} (the core changed; update this script)`);
      exit = 1;
      continue;
    }
    writeFileSync(path, mutated);
    const { runSimulation } = await import(pathToFileURL(join(dir, 'sim', 'simulator.js')).href);
    let caught = 0;
    let first = '';
    for (let seed = 1; seed <= seeds; seed++) {
      const r = runSimulation({ seed });
      if (!r.ok) {
        caught++;
        if (!first) first = `seed ${seed}: ${r.failure.split('\n')[0].slice(0, 160)}`;
      }
    }
    console.log(
      `${caught > 0 ? 'caught' : 'MISSED'} ${name}: ${caught}/${seeds} seeds${first ? ` (first ${first})` : ''}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
process.exitCode = exit;
