// `robust-bench mqtt-cluster` against a real broker whose Receive Maximum is small: its fixed-rate publisher must hold
// back at the broker's Receive Maximum (MQTT-3.3.4-7). It did not, so whenever PUBACKs fell Receive Maximum / rate
// behind, the broker closed it with 0x93 and every later publish stayed unacknowledged — the "stall" of a second
// `--persistent 1000` run.
import { beforeAll, expect, it } from 'vitest';
import { testScope } from '@robustmq/testing';
import { startTestBroker, type TestBroker } from '@robustmq/testing/broker';
import { runClusterBench } from '../src/bench/cluster-bench.js';

const scope = testScope();
let broker: TestBroker;

beforeAll(async () => {
  // 2 in flight: a publisher bursting faster than PUBACKs come back runs into it at once
  broker = scope.add(await startTestBroker({ receive_maximum: 2 }, { storage: 'memory' }));
});

it('publishes within the broker Receive Maximum: all acknowledged, none closed with 0x93', async () => {
  const lines: string[] = [];
  await runClusterBench({
    publisher: broker.url,
    other: broker.url,
    rate: 20_000, // 50 µs apart: the pacing never sleeps, the window is what holds it
    duration: 0.05,
    warmup: 0.05,
    window: 100, // capped at the Receive Maximum too
    stagePids: [],
    persistent: 4,
    print: (line) => lines.push(line),
  });
  const text = lines.join('\n');
  expect(text).not.toMatch(/only \d+\/\d+ publishes acknowledged/);
  expect(text).toMatch(/\| 1000\/1000 \|/); // the position phase: every message delivered
  expect(text).toMatch(/same broker \| 1000\/1000 \|/);
  // the warm-up's messages are reported on their own line and not counted in the window
  expect(text).toMatch(/warm-up, not counted below: 1000 messages/);
  expect(text).toMatch(/publishes waited for the broker's Receive Maximum/);
  expect(text).toMatch(/QoS 1 throughput, 2 in flight/);
}, 60_000);
