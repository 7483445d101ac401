// A persistent session's position in the message log is committed at least `mqtt.position_commit_interval_ms` apart
// (in a cluster each commit is a placement Raft write): a subscriber acknowledging a fast QoS 1 stream makes at most
// one commit per interval, and once the stream stops its last position is still committed. With the interval at 0
// a commit follows the previous one as soon as it completes. The test prints commits per 1,000 acknowledgements.
import { afterAll, expect, test } from 'vitest';
import { collect, connectClient, testScope, waitFor } from '@robustmq/testing';
import { startTestBroker } from '@robustmq/testing/broker';

const scope = testScope();
const MESSAGES = 2_000;
const WINDOW = 50;

afterAll(() => scope.close());

test.each([0, 100])(
  'a fast QoS 1 stream to a persistent subscriber, position_commit_interval_ms = %i',
  async (interval) => {
    const broker = scope.add(await startTestBroker({ position_commit_interval_ms: interval }));
    const core = broker.handle.broker;
    const clientId = `paced-${interval}`;
    const sub = await connectClient(
      broker.url,
      { clientId, protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 300 } },
      scope,
    );
    await sub.subscribeAsync('paced/#', { qos: 1 });
    const got = collect(sub);
    const pub = await connectClient(broker.url, { clientId: `${clientId}-pub`, protocolVersion: 5 }, scope);
    const before = core.stats.positionCommits;
    const started = Date.now();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < MESSAGES) await pub.publishAsync('paced/t', String(next++), { qos: 1 });
    };
    await Promise.all(Array.from({ length: WINDOW }, worker));
    await got.waitFor(MESSAGES, 30_000);
    const elapsedMs = Date.now() - started;
    const commits = core.stats.positionCommits - before;
    // the last acknowledgements are committed too, after the interval: the position reaches the log's end
    const end = core.log.nextOffset;
    await waitFor(
      'the last position committed',
      async () => (await core.log.fetchPosition(core.sessionGroup(clientId))) === end,
      { timeoutMs: 5_000 },
    );
    console.log(
      `position commits, interval ${interval} ms: ${JSON.stringify({
        messages: MESSAGES,
        elapsedMs,
        commits: core.stats.positionCommits - before,
        commitsPer1000Acks: Math.round(((core.stats.positionCommits - before) * 1000) / MESSAGES),
        commitsPerSecond: Math.round((commits * 1000) / elapsedMs),
      })}`,
    );
    expect(commits).toBeGreaterThan(0);
    // one commit per interval at most (the first at once), plus the last one after the stream
    if (interval > 0) expect(commits).toBeLessThanOrEqual(Math.ceil(elapsedMs / interval) + 2);
  },
  60_000,
);
