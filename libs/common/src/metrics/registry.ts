// A prom-client registry per service (not the global one, so several services can share one process).
import { Registry, collectDefaultMetrics } from 'prom-client';

export { Counter, Gauge, Histogram, Summary, Registry } from 'prom-client';

export function createMetricsRegistry(service: string, nodeId?: number | string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service, ...(nodeId !== undefined ? { node: String(nodeId) } : {}) });
  return registry;
}

let defaultsCollected: Registry | undefined;

/** Process metrics (CPU, memory, event loop lag) are per process: collect them into one registry only. */
export function collectProcessMetrics(registry: Registry): void {
  if (defaultsCollected) return;
  defaultsCollected = registry;
  collectDefaultMetrics({ register: registry });
}
