// Scenario (a) of issue #16, "ordinary clients": the throughput cases (QoS 0 and QoS 1, 1 and 4 publishers → 1
// subscriber, 64-byte payloads) driven by MQTT.js as applications use it — one PUBLISH per socket write, one PUBACK
// per message — instead of the raw client's pre-built batches. What a broker costs per message under this traffic
// (many small reads, many small writes) is what deployments see.
import type { BenchCase } from './bench-results.js';
import { throughputShapedCases } from './throughput-scenario.js';

export const ORDINARY_CASES: BenchCase[] = throughputShapedCases('ordinary', (qos, publishers) => ({
  id: `ordinary-qos${qos}-${publishers}pub`,
  label: `MQTT.js QoS ${qos}, ${publishers} pub → 1 sub`,
}));
