// The one way every command-line entry point (service mains, `robustmq`, `robust-bench`, the benches and the Raft
// simulator) reads its arguments: commander, with `--help` on every command, and usage errors — an unknown option, a
// bad value — printed with a pointer to --help and exit status 2 (status 1 is left for a run that failed).
import { Command, InvalidArgumentError } from 'commander';

export { Command, InvalidArgumentError, Option } from 'commander';

/** exit status of a command line that could not be understood (as with most Unix tools). */
export const USAGE_EXIT_CODE = 2;

/** A program (or subcommand root) set up the shared way. */
export function cliProgram(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .showHelpAfterError(`(run ${name} --help for usage)`)
    .allowExcessArguments(false)
    .exitOverride((err) => {
      // help and version exit 0; every parse error is a usage error
      process.exit(err.exitCode === 0 ? 0 : USAGE_EXIT_CODE);
    });
}

/** Parses the command line; an `argv` of user arguments only (no node and script paths) is for tests. */
export function parseCli(program: Command, argv?: string[]): Command {
  return argv ? program.parse(argv, { from: 'user' }) : program.parse();
}

/** Ends with a usage error found after parsing (two options that exclude each other, ...). */
export function usageError(program: Command, message: string): never {
  program.error(`error: ${message}`, { exitCode: USAGE_EXIT_CODE });
  // program.error exits (through exitOverride); this line is for the type checker
  throw new Error(message);
}

/** An option parser for a number in [min, max], an integer when asked. */
export function numberArg(what: string, min: number, max = Infinity, integer = false) {
  return (value: string): number => {
    const n = Number(value);
    if (
      value.trim() === '' ||
      !Number.isFinite(n) ||
      n < min ||
      n > max ||
      (integer && !Number.isInteger(n))
    ) {
      throw new InvalidArgumentError(
        `${what} must be ${integer ? 'an integer' : 'a number'} from ${min}${max < Infinity ? ` to ${max}` : ' up'}`,
      );
    }
    return n;
  };
}

/** An integer option parser (min..max). */
export const integerArg = (what: string, min: number, max = Infinity) => numberArg(what, min, max, true);

/** An option parser for a comma-separated list of values from `valid` (no duplicates, at least one). */
export function listArg<T extends string>(valid: readonly T[], what: string) {
  return (value: string): T[] => {
    const items = value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (items.length === 0)
      throw new InvalidArgumentError(`needs at least one ${what}; valid: ${valid.join(', ')}`);
    for (const item of items) {
      if (!(valid as readonly string[]).includes(item)) {
        throw new InvalidArgumentError(`unknown ${what} "${item}"; valid: ${valid.join(', ')}`);
      }
    }
    return [...new Set(items)] as T[];
  };
}

/** An option parser for a comma-separated list of numbers, each checked by `item`. */
export function numberListArg(item: (value: string) => number) {
  return (value: string): number[] =>
    value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map(item);
}
