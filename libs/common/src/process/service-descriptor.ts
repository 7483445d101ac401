// What a service tells `robustmq start` about itself, so the command that composes services in one process knows none
// of them by name: each app exports one descriptor from its package (role, config loader, start function, which
// roles must be up before it) and the CLI only holds the list.
import type { ClusterAuthConfig } from '../config/cluster-auth.js';
import type { LoadConfigOptions } from '../config/load.js';
import type { Logger } from '../log/logger.js';

/** The config sections the composer reads or overrides in every service: `[node] id/data_dir`, `[log] level`,
 * `[cluster]` security (a service started next to the placement center inherits its token and TLS files). */
export interface ComposableServiceConfig {
  node: { id: number };
  log: { level: string };
  cluster: ClusterAuthConfig;
}

export interface ServiceHandle {
  /** the bound ports by name (the real ones when the config asked for port 0). */
  ports: object;
  /** host:port of the placement gRPC server; only the placement center's handle has it. */
  grpcAddress?: string;
  close(): Promise<void>;
}

export interface ServiceDescriptor<
  R extends string = string,
  C extends ComposableServiceConfig = ComposableServiceConfig,
> {
  /** the name in `robustmq start --roles`, of `<role>.toml` and of the data dir `<data_dir>/<role>`. */
  role: R;
  load(options: LoadConfigOptions): C;
  start(config: C, options: { logger?: Logger }): Promise<ServiceHandle>;
  /** roles that, when they run in the same process, start before this one (and close after it). */
  after: readonly string[];
  /** the metadata service: the others in the process get its gRPC address as `[placement] addresses` and, unless
   * they set their own, its cluster token and TLS files. */
  providesPlacement?: true;
}

/** Keeps the role a literal type, so the composer can derive the union of roles from its list. */
export function defineService<const R extends string, C extends ComposableServiceConfig>(
  descriptor: ServiceDescriptor<R, C>,
): ServiceDescriptor<R, C> {
  return descriptor;
}
