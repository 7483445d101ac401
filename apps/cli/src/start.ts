// `robustmq start`: runs any of the services in one process — by default all of them, single node, data under
// ./data — wiring the others to the in-process placement center. Each service describes itself (its package exports
// a ServiceDescriptor: role, config loader, start function, which roles start before it); this file only lists them.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  clusterAuthToken,
  clusterTlsConfigured,
  createLogger,
  type ClusterAuthConfig,
  type LoadConfigOptions,
  type Logger,
  type ServiceDescriptor,
} from '@robustmq/common';
import { placementCenterService } from '@robustmq/placement-center';
import { journalServerService } from '@robustmq/journal-server';
import { mqttBrokerService } from '@robustmq/mqtt-broker';
import { kafkaBrokerService } from '@robustmq/kafka-broker';

/** Every service `robustmq start` can run; a new service is one entry here. */
const SERVICES = [
  placementCenterService,
  journalServerService,
  mqttBrokerService,
  kafkaBrokerService,
] as const;

export type Role = (typeof SERVICES)[number]['role'];

/** The services in start order (close order is the reverse): each after the roles it names in `after`, otherwise in
 * list order. A role named in `after` that is not in the list constrains nothing; a cycle is a programming error. */
export function startOrder<S extends Pick<ServiceDescriptor, 'role' | 'after'>>(services: readonly S[]): S[] {
  const byRole = new Map(services.map((s) => [s.role, s]));
  const ordered: S[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (service: S, path: string[]) => {
    const seen = state.get(service.role);
    if (seen === 'done') return;
    if (seen === 'visiting')
      throw new Error(`services depend on each other in a cycle: ${[...path, service.role].join(' → ')}`);
    state.set(service.role, 'visiting');
    for (const role of service.after) {
      const dependency = byRole.get(role);
      if (dependency) visit(dependency, [...path, service.role]);
    }
    state.set(service.role, 'done');
    ordered.push(service);
  };
  for (const service of services) visit(service, []);
  return ordered;
}

/** The roles in start order. */
export const ROLES: readonly Role[] = startOrder<ServiceDescriptor<Role>>(SERVICES).map((s) => s.role);

export interface StartOptions {
  roles: Role[];
  /** parent of each role's data dir (<dataDir>/<role>) unless the role's config sets data_dir itself. */
  dataDir: string;
  /** where <role>.toml files are looked for; a missing file means defaults. */
  configDir: string;
  /** placement addresses for brokers/journals when this process runs no placement center. */
  placement?: string[];
  env?: Record<string, string | undefined>;
  logLevel?: string;
}

export interface RunningServices {
  close(): Promise<void>;
  ports: Partial<Record<Role, Record<string, number>>>;
}

function configOptions(
  options: StartOptions,
  role: Role,
  overrides: LoadConfigOptions['overrides'],
): LoadConfigOptions {
  const file = join(options.configDir, `${role}.toml`);
  return { ...(existsSync(file) ? { file } : {}), ...(options.env ? { env: options.env } : {}), overrides };
}

/** A role that sets no cluster token (or no cluster TLS files) of its own takes the in-process placement center's,
 * so a token or certificates set only in placement-center.toml still let the three services of one process talk to
 * each other. */
function withClusterSecurity<C extends { cluster: ClusterAuthConfig }>(
  config: C,
  placement: ClusterAuthConfig | undefined,
): C {
  if (!placement) return config;
  let cluster = config.cluster;
  const token = clusterAuthToken(placement);
  if (token && !clusterAuthToken(cluster)) cluster = { ...cluster, auth_token: token, auth_token_file: '' };
  if (clusterTlsConfigured(placement) && !clusterTlsConfigured(cluster)) {
    cluster = {
      ...cluster,
      tls_cert_file: placement.tls_cert_file,
      tls_key_file: placement.tls_key_file,
      tls_ca_file: placement.tls_ca_file,
      tls_require_client_cert: placement.tls_require_client_cert,
      tls_reload_interval_ms: placement.tls_reload_interval_ms,
    };
  }
  return cluster === config.cluster ? config : { ...config, cluster };
}

export async function startServices(options: StartOptions, logger?: Logger): Promise<RunningServices> {
  const handles: { role: Role; close(): Promise<void> }[] = [];
  const ports: RunningServices['ports'] = {};
  const dataDir = resolve(options.dataDir);
  const log = (role: Role, nodeId: number, level: string) =>
    logger?.child({ service: role }) ??
    createLogger({ service: role, nodeId, level: options.logLevel ?? level });

  const close = async () => {
    // reverse order: brokers and journals unregister while placement is still up
    for (const handle of handles.reverse()) await handle.close();
  };

  try {
    let placement = options.placement;
    let placementCluster: ClusterAuthConfig | undefined;
    for (const entry of startOrder<ServiceDescriptor<Role>>(SERVICES)) {
      const role = entry.role;
      if (!options.roles.includes(role)) continue;
      const overrides: Record<string, Record<string, unknown>> = { node: { data_dir: join(dataDir, role) } };
      if (!entry.providesPlacement && placement) overrides.placement = { addresses: placement };
      const loaded = entry.load(configOptions(options, role, overrides));
      const config = entry.providesPlacement ? loaded : withClusterSecurity(loaded, placementCluster);
      const handle = await entry.start(config, { logger: log(role, config.node.id, config.log.level) });
      handles.push({ role, close: () => handle.close() });
      ports[role] = { ...handle.ports } as Record<string, number>;
      if (entry.providesPlacement) {
        placementCluster = config.cluster;
        placement ??= handle.grpcAddress ? [handle.grpcAddress] : undefined;
      }
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { close, ports };
}
