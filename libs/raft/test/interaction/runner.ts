// Reads and runs the interaction scripts (test/testdata/*.txt). A script is a list of blocks:
//
//   # comments say what the next step is for
//   command arg arg key=value
//   ----
//   what the environment printed
//
// separated by blank lines. Each block's output is compared with what the command prints now. With
// RAFT_SCRIPTS_REWRITE=1 the expected outputs are written back instead (then read the diff: it is the review).
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from './env.js';

export interface Block {
  /** 1-based line of the command, for failure messages. */
  line: number;
  comments: string[];
  command: string;
  expected: string;
}

export function parseScript(textIn: string, file: string): Block[] {
  const lines = textIn.replace(/\r\n/g, '\n').split('\n');
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const comments: string[] = [];
    while (i < lines.length && (lines[i]!.trim() === '' || lines[i]!.startsWith('#'))) {
      if (lines[i]!.startsWith('#')) comments.push(lines[i]!);
      else comments.length = 0; // a blank line ends a comment that belonged to nothing
      i++;
    }
    if (i >= lines.length) break;
    const line = i + 1;
    const command = lines[i++]!;
    if (lines[i] !== '----')
      throw new Error(`${file}:${line}: "${command}" must be followed by a line "----"`);
    i++;
    const expected: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== '') expected.push(lines[i++]!);
    blocks.push({ line, comments, command, expected: expected.join('\n') });
  }
  return blocks;
}

export function parseCommand(line: string): Command {
  const [name, ...rest] = line.trim().split(/\s+/);
  const args: string[] = [];
  const opts = new Map<string, string>();
  for (const word of rest) {
    const eq = word.indexOf('=');
    if (eq > 0) opts.set(word.slice(0, eq), word.slice(eq + 1));
    else args.push(word);
  }
  return { name: name!, args, opts };
}

export function formatScript(blocks: readonly Block[]): string {
  return `${blocks.map((b) => [...b.comments, b.command, '----', b.expected].join('\n')).join('\n\n')}\n`;
}

export const rewriting = process.env.RAFT_SCRIPTS_REWRITE === '1';

/** Writes the script back with the outputs it produced (RAFT_SCRIPTS_REWRITE=1). */
export function rewriteScript(path: string, blocks: readonly Block[]): void {
  writeFileSync(path, formatScript(blocks));
}

export function readScript(path: string): Block[] {
  return parseScript(readFileSync(path, 'utf8'), path);
}
