#!/usr/bin/env node
// The container HEALTHCHECK: `node health-probe.js [data-dir]`. The same check as `robustmq health`, as an entry
// point that loads nothing but node's built-ins and health.ts, so a probe stays well under its timeout on a busy host
// (`robustmq` itself loads every service's code before it parses its arguments).
import { probeHealth, readPortsFile } from './health.js';

const dataDir = process.argv[2] ?? '/data';
try {
  const results = await probeHealth(readPortsFile(dataDir), '127.0.0.1', 3000);
  for (const r of results)
    process.stdout.write(`${r.ok ? 'ok  ' : 'FAIL'} ${r.role} ${r.url}: ${r.detail}\n`);
  process.exit(results.every((r) => r.ok) ? 0 : 1);
} catch (err) {
  process.stderr.write(`health-probe: ${(err as Error).message}\n`);
  process.exit(1);
}
