// kcat (Debian's, on librdkafka) as the Kafka tests' reference client: one way to run it against a broker, the
// arguments every read-a-partition-to-its-end repeats, and librdkafka properties as `-X` pairs. A test then says
// only what differs: the topic, the format, the login.
import { execFile } from 'node:child_process';

/** kcat's whole run: exit code (0 = success) and both outputs. */
export interface KcatRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `kcat -b <bootstrap> ...args` with `input` on stdin (20 s at most) and resolves with its run whatever its exit
 * code: for tests that expect a refusal.
 */
export function kcatRun(bootstrap: string, args: string[], input = ''): Promise<KcatRun> {
  return new Promise((resolve) => {
    const child = execFile(
      'kcat',
      ['-b', bootstrap, ...args],
      { timeout: 20_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(input);
  });
}

/** Runs kcat as `kcatRun` does and resolves with its stdout; a non-zero exit rejects, with `stdout`/`stderr` on the error. */
export async function kcat(bootstrap: string, args: string[], input = ''): Promise<string> {
  const run = await kcatRun(bootstrap, args, input);
  if (run.code !== 0)
    throw Object.assign(new Error(`kcat exited ${run.code}: ${run.stderr}`), {
      stdout: run.stdout,
      stderr: run.stderr,
    });
  return run.stdout;
}

/** `-X key=value` for each librdkafka property (security.protocol, sasl.*, ssl.*, linger.ms…). */
export const kcatProps = (props: Record<string, string>): string[] =>
  Object.entries(props).flatMap(([key, value]) => ['-X', `${key}=${value}`]);

/** A SASL login as librdkafka properties: PLAIN over plaintext unless told otherwise (SCRAM-SHA-256, SASL_SSL…). */
export const kcatSasl = (
  username: string,
  password: string,
  { mechanism = 'PLAIN', protocol = 'SASL_PLAINTEXT' } = {},
): string[] =>
  kcatProps({
    'security.protocol': protocol,
    'sasl.mechanisms': mechanism,
    'sasl.username': username,
    'sasl.password': password,
  });

export interface KcatReadOptions {
  /** default 0; `'all'` reads every partition. */
  partition?: number | 'all';
  /** kcat's `-f` format (default: the value alone). */
  format?: string;
  /** arguments before the consume (a login, `-X` properties). */
  args?: string[];
}

/** Consumes one partition of `topic` from its start to its end (`-C -o beginning -e`); the lines kcat printed. */
export async function kcatRead(
  bootstrap: string,
  topic: string,
  options: KcatReadOptions = {},
): Promise<string[]> {
  const out = await kcat(bootstrap, [
    ...(options.args ?? []),
    '-C',
    '-t',
    topic,
    ...(options.partition === 'all' ? [] : ['-p', String(options.partition ?? 0)]),
    '-o',
    'beginning',
    '-e',
    '-q',
    ...(options.format ? ['-f', options.format] : []),
  ]);
  return lines(out);
}

/** The non-empty lines of a command's output. */
export const lines = (text: string): string[] => text.split('\n').filter((l) => l.length > 0);
