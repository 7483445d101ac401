// What every robust-ctl command gets: the admin client built from the global flags (or their environment
// variables), the chosen output format, and the data-plane nodes (brokers, journal servers) found through
// placement's node registry unless addresses are given.
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { AdminClient, CtlError, normalizeBase } from './admin-client.js';
import { render, type OutputFormat, type Printable } from './output.js';

export interface GlobalOptions {
  placement: string[];
  broker?: string[];
  journal?: string[];
  adminToken?: string;
  output: OutputFormat;
  timeout: number;
}

export interface DataNode {
  nodeId: number;
  base: string;
}

export class Ctx {
  readonly client: AdminClient;

  constructor(
    readonly options: GlobalOptions,
    private readonly out: (text: string) => void,
  ) {
    this.client = new AdminClient({
      placement: options.placement.map(normalizeBase),
      ...(options.adminToken ? { adminToken: options.adminToken } : {}),
      timeoutMs: options.timeout,
    });
  }

  print(printable: Printable): void {
    const text = render(this.options.output, printable);
    if (text) this.out(text);
  }

  /** Brokers (or journal servers) to ask: --broker/--journal when given, else every one registered with placement. */
  async dataNodes(kind: 'MQTT_BROKER' | 'JOURNAL_SERVER'): Promise<DataNode[]> {
    const given = kind === 'MQTT_BROKER' ? this.options.broker : this.options.journal;
    if (given?.length) return given.map((address, i) => ({ nodeId: i + 1, base: normalizeBase(address) }));
    const answer = (await this.client.placement('GET', `/api/v1/cluster/nodes?cluster_type=${kind}`)) as {
      nodes: { nodeId: number; host: string; ports: Record<string, number> }[];
    };
    const nodes = answer.nodes
      .filter((n) => n.ports.http)
      .map((n) => ({ nodeId: n.nodeId, base: `http://${n.host}:${n.ports.http}` }));
    if (nodes.length === 0)
      throw new CtlError(
        `no ${kind === 'MQTT_BROKER' ? 'MQTT broker' : 'journal server'} is registered with placement`,
      );
    return nodes;
  }

  /** GETs a path on each data node; rows of every answer's `key` list, tagged with the node id. */
  async gatherFrom(
    kind: 'MQTT_BROKER' | 'JOURNAL_SERVER',
    path: string,
    key: string,
  ): Promise<{ rows: Record<string, unknown>[]; byNode: Record<string, unknown> }> {
    const nodes = await this.dataNodes(kind);
    const answers = await Promise.all(
      nodes.map(async (n) => ({
        n,
        body: AdminClient.ok(await this.client.request(n.base, 'GET', path), `GET ${n.base}${path}`),
      })),
    );
    const rows: Record<string, unknown>[] = [];
    const byNode: Record<string, unknown> = {};
    for (const { n, body } of answers) {
      byNode[String(n.nodeId)] = body;
      for (const item of ((body as Record<string, unknown>)[key] as Record<string, unknown>[]) ?? [])
        rows.push({ node: n.nodeId, ...item });
    }
    return { rows, byNode };
  }
}

export function list(value: string): string[] {
  const items = value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  if (items.length === 0) throw new InvalidArgumentError('expected one or more comma-separated addresses');
  return items;
}

export function integer(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || n < min || n > max)
      throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}`);
    return n;
  };
}

export function addGlobalOptions(program: Command): Command {
  return program
    .addOption(
      new Option(
        '-p, --placement <addresses>',
        "placement members' HTTP admin addresses, comma-separated (host:port or URL)",
      )
        .env('ROBUSTMQ_PLACEMENT_HTTP')
        .argParser(list)
        .default(['127.0.0.1:1227']),
    )
    .addOption(
      new Option(
        '--broker <addresses>',
        "MQTT brokers' HTTP admin addresses (default: those registered with placement)",
      )
        .env('ROBUSTMQ_BROKER_HTTP')
        .argParser(list),
    )
    .addOption(
      new Option(
        '--journal <addresses>',
        "journal servers' HTTP admin addresses (default: those registered with placement)",
      )
        .env('ROBUSTMQ_JOURNAL_HTTP')
        .argParser(list),
    )
    .addOption(new Option('--admin-token <token>', 'admin API bearer token').env('ROBUSTMQ_ADMIN_TOKEN'))
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['table', 'json'])
        .env('ROBUSTMQ_OUTPUT')
        .default('table'),
    )
    .addOption(
      new Option('--timeout <ms>', 'per-request timeout')
        .argParser(integer('--timeout', 1, 600_000))
        .default(5000),
    )
    .configureHelp({ sortSubcommands: false });
}
