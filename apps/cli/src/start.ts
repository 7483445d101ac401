// `robustmq start`: runs any of the three services in one process — by default all of them, single node, data
// under ./data — wiring the broker and journal server to the in-process placement center.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { clusterAuthToken, clusterTlsConfigured, createLogger, type ClusterAuthConfig, type LoadConfigOptions, type Logger } from '@robustmq/common';
import { loadPlacementCenterConfig, startPlacementCenter } from '@robustmq/placement-center';
import { loadJournalServerConfig, startJournalServer } from '@robustmq/journal-server';
import { loadMqttBrokerConfig, startMqttBroker } from '@robustmq/mqtt-broker';

export const ROLES = ['placement-center', 'journal-server', 'mqtt-broker'] as const;
export type Role = (typeof ROLES)[number];

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

function configOptions(options: StartOptions, role: Role, overrides: LoadConfigOptions['overrides']): LoadConfigOptions {
  const file = join(options.configDir, `${role}.toml`);
  return { ...(existsSync(file) ? { file } : {}), ...(options.env ? { env: options.env } : {}), overrides };
}

/** A role that sets no cluster token (or no cluster TLS files) of its own takes the in-process placement center's,
 * so a token or certificates set only in placement-center.toml still let the three services of one process talk to
 * each other. */
function withClusterSecurity<C extends { cluster: ClusterAuthConfig }>(config: C, placement: ClusterAuthConfig | undefined): C {
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
    logger?.child({ service: role }) ?? createLogger({ service: role, nodeId, level: options.logLevel ?? level });

  const close = async () => {
    // reverse order: brokers and journals unregister while placement is still up
    for (const handle of handles.reverse()) await handle.close();
  };

  try {
    let placement = options.placement;
    let placementCluster: ClusterAuthConfig | undefined;
    if (options.roles.includes('placement-center')) {
      const config = loadPlacementCenterConfig(
        configOptions(options, 'placement-center', { node: { data_dir: join(dataDir, 'placement-center') } }),
      );
      placementCluster = config.cluster;
      const handle = await startPlacementCenter(config, { logger: log('placement-center', config.node.id, config.log.level) });
      handles.push({ role: 'placement-center', close: () => handle.close() });
      ports['placement-center'] = handle.ports;
      placement ??= [handle.grpcAddress];
    }
    const placementOverride: Record<string, Record<string, unknown>> = placement ? { placement: { addresses: placement } } : {};
    if (options.roles.includes('journal-server')) {
      const config = withClusterSecurity(
        loadJournalServerConfig(
          configOptions(options, 'journal-server', {
            node: { data_dir: join(dataDir, 'journal-server') },
            ...placementOverride,
          }),
        ),
        placementCluster,
      );
      const handle = await startJournalServer(config, { logger: log('journal-server', config.node.id, config.log.level) });
      handles.push({ role: 'journal-server', close: () => handle.close() });
      ports['journal-server'] = handle.ports;
    }
    if (options.roles.includes('mqtt-broker')) {
      const config = withClusterSecurity(
        loadMqttBrokerConfig(
          configOptions(options, 'mqtt-broker', {
            node: { data_dir: join(dataDir, 'mqtt-broker') },
            ...placementOverride,
          }),
        ),
        placementCluster,
      );
      const handle = await startMqttBroker(config, { logger: log('mqtt-broker', config.node.id, config.log.level) });
      handles.push({ role: 'mqtt-broker', close: () => handle.close() });
      ports['mqtt-broker'] = { ...handle.ports } as Record<string, number>;
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { close, ports };
}
