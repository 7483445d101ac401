// A prom-client registry per service (not the global one, so several services can share one process).
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

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
  // The event-loop delay monitor samples on a libuv timer: prom-client's default of every 10 ms woke an idle
  // process 100 times a second (a placement member spent ~115 wake-ups/s idle, and each is dear on a busy machine).
  // Every 100 ms still measures each delay exactly; it only takes fewer samples.
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 100 });
}

/** A gauge read when scraped: the code it watches keeps a plain number, with no metric call where it changes. */
export function scrapedGauge(registry: Registry, name: string, help: string, read: () => number): Gauge {
  const gauge: Gauge = new Gauge({ name, help, registers: [registry], collect: () => gauge.set(read()) });
  return gauge;
}

/** A counter mirroring a monotonic number when scraped: reset + inc keeps prom-client's counter type without a
 * second source of truth. */
export function scrapedCounter(registry: Registry, name: string, help: string, read: () => number): Counter {
  return new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}
