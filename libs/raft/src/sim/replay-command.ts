// The exact command that replays one simulation seed: printed with every failure so anyone can re-run it.

export function replayCommand(seed: number, steps?: number): string {
  return `npm run sim -- --seed ${seed}${steps !== undefined ? ` --steps ${steps}` : ''}`;
}

/** The same, without the npm script (works before the root script is wired, from the repository root). */
export function directReplayCommand(seed: number, steps?: number): string {
  return `node libs/raft/dist/sim/cli.js --seed ${seed}${steps !== undefined ? ` --steps ${steps}` : ''}`;
}
