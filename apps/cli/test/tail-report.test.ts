// The slow-message report of `robust-bench mqtt-cluster --stage-pids`: slow messages sent close together form one
// episode, and each episode lists the tail events that overlapped it, longest first, once per process and kind.
import { expect, it } from 'vitest';
import type { StageReport } from '@robustmq/common';
import { formatTailReport, type Sample } from '../src/bench/tail-report.js';

const T0 = 1_700_000_000_000;

function report(tail: StageReport['tail']): StageReport {
  const none = { count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };
  return { pid: 1, windowMs: 3000, eventLoopDelay: none, stages: {}, tail };
}

it('groups slow messages into episodes and names what overlapped them', () => {
  const samples: Sample[] = [];
  // 2,000 msg/s for 3 s at 1 ms, but 20 messages at +1.5 s take 9 ms and 3 at +2.5 s take 6 ms
  for (let i = 0; i < 6000; i++) {
    const sentAt = T0 + i / 2;
    const latency = i >= 3000 && i < 3020 ? 9 : i >= 5000 && i < 5003 ? 6 : 1;
    samples.push({ sentAt, latency });
  }
  const lines = formatTailReport(
    samples,
    2,
    [
      {
        label: 'journal-server-2',
        report: report([
          { stage: 'journal.fdatasync', at: T0 + 1508, ms: 8 },
          { stage: 'journal.fdatasync', at: T0 + 1509, ms: 5 }, // the same kind: only the longest is listed
          { stage: 'journal.fdatasync', at: T0 + 400, ms: 3 }, // long before: not in any episode
        ]),
      },
    ],
    [{ stage: 'gc.minor', at: T0 + 2501, ms: 1.2 }],
  );
  const text = lines.join('\n');
  expect(text).toContain('23 in 2 episodes');
  expect(text).toContain('at +1.500 s: 20 slow over 9.5 ms, worst 9.00 ms');
  expect(text).toContain('at +2.500 s: 3 slow over 1.0 ms, worst 6.00 ms');
  expect(text.match(/journal-server-2 +journal\.fdatasync +8\.00 ms/g)).toHaveLength(1);
  expect(text).not.toMatch(/fdatasync +5\.00/);
  expect(text).not.toMatch(/fdatasync +3\.00/);
  expect(text).toMatch(/bench +gc\.minor +1\.20 ms/);
  expect(text).toMatch(/journal-server-2 journal\.fdatasync +1 of 2/);
  // per second: the slow ones sit in seconds 1 and 2 (20 of 2,000 is just the 1 %: that second's p99 stays 1 ms)
  expect(text).toMatch(
    /per second of the run, ms \(slow messages in it\): 1\.0 \(0\), 1\.0 \(20\), 1\.0 \(3\)/,
  );
});
