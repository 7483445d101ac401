// Protocol scenarios as scripts (test/testdata/*.txt, run by interaction/env.ts): each step is a command and what
// the nodes did in answer, so a case reads like the protocol and a new one is a few lines of text. Every block's
// printed output must match; RAFT_SCRIPTS_REWRITE=1 npx vitest run libs/raft/test/interaction.test.ts writes the
// outputs back for review instead.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InteractionEnv } from './interaction/env.js';
import { parseCommand, readScript, rewriteScript, rewriting } from './interaction/runner.js';

const dir = fileURLToPath(new URL('./testdata/', import.meta.url));
const scripts = readdirSync(dir)
  .filter((f) => f.endsWith('.txt'))
  .sort();

describe('raft interaction scripts', () => {
  it('finds the scripts', () => expect(scripts.length).toBeGreaterThan(0));

  it.each(scripts)('%s', (file) => {
    const path = dir + file;
    const blocks = readScript(path);
    const env = new InteractionEnv();
    for (const block of blocks) {
      let actual: string;
      try {
        actual = env.handle(parseCommand(block.command));
      } catch (err) {
        actual = `error: ${(err as Error).message}`;
      }
      if (rewriting) block.expected = actual;
      else expect(actual, `${file}:${block.line}: ${block.command}`).toBe(block.expected);
    }
    if (rewriting) rewriteScript(path, blocks);
  });
});
