// The mosquitto command-line clients as tests run them: the argument list built from options (host, port, protocol
// version, topics, QoS, MQTT 5 properties, TLS flags), so a test names what it sends and expects instead of spelling
// `-h 127.0.0.1 -p <port> -V mqttv5 -t …` again, and every run has a time-out.
import { spawnSync } from 'node:child_process';
import { runCommand, type CommandResult } from './processes.js';

interface MosquittoOptions {
  port: number | string;
  /** default 127.0.0.1. */
  host?: string;
  /** -V: 'mqttv31', 'mqttv311' or 'mqttv5'; default the client's own (3.1.1). */
  version?: 'mqttv31' | 'mqttv311' | 'mqttv5';
  /** -i. */
  id?: string;
  /** -t, once per topic (filter). */
  topic: string | readonly string[];
  /** -q. */
  qos?: 0 | 1 | 2;
  /** -D <command> <name> <value…>: MQTT 5 properties, e.g. ['publish', 'content-type', 'text/plain']. */
  properties?: readonly (readonly string[])[];
  /** further arguments (TLS flags), placed after the connection ones. */
  args?: readonly string[];
  /** the run is killed after this long; default 10 s. */
  timeoutMs?: number;
}

export interface MosquittoPubOptions extends MosquittoOptions {
  /** -m. */
  message: string;
  /** -r. */
  retain?: boolean;
}

export interface MosquittoSubOptions extends MosquittoOptions {
  /** -C: exit after this many messages. */
  count?: number;
  /** -W: give up after this many seconds (rather than hang the test). */
  waitSeconds?: number;
  /** -v: print the topic before each payload. */
  verbose?: boolean;
  /** -F: the output format. */
  format?: string;
}

function common(o: MosquittoOptions): string[] {
  const args = ['-h', o.host ?? '127.0.0.1', '-p', String(o.port), ...(o.args ?? [])];
  if (o.version !== undefined) args.push('-V', o.version);
  if (o.id !== undefined) args.push('-i', o.id);
  for (const topic of typeof o.topic === 'string' ? [o.topic] : o.topic) args.push('-t', topic);
  if (o.qos !== undefined) args.push('-q', String(o.qos));
  for (const property of o.properties ?? []) args.push('-D', ...property);
  return args;
}

/** Runs mosquitto_pub to completion. */
function pub(o: MosquittoPubOptions): Promise<CommandResult> {
  const args = [...common(o), '-m', o.message];
  if (o.retain) args.push('-r');
  return runCommand('mosquitto_pub', args, o.timeoutMs);
}

/** Starts mosquitto_sub; resolves when it exits (after `count` messages or `waitSeconds`). */
function sub(o: MosquittoSubOptions): Promise<CommandResult> {
  const args = common(o);
  if (o.count !== undefined) args.push('-C', String(o.count));
  if (o.waitSeconds !== undefined) args.push('-W', String(o.waitSeconds));
  if (o.verbose) args.push('-v');
  if (o.format !== undefined) args.push('-F', o.format);
  return runCommand('mosquitto_sub', args, o.timeoutMs);
}

/** `installed`: whether mosquitto_pub and mosquitto_sub are on the PATH (tests skip without them); `pub`, `sub`. */
export const mosquitto = {
  installed:
    spawnSync('mosquitto_pub', ['--help']).error === undefined &&
    spawnSync('mosquitto_sub', ['--help']).error === undefined,
  pub,
  sub,
};
