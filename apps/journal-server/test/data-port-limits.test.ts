// The journal data port's connection cap: sockets over `network.max_data_connections` are closed as soon as they are
// accepted (so a flood cannot take the descriptors segment files and RocksDB need) and counted in /metrics.
import { connect } from 'node:net';
import { expect, it } from 'vitest';
import { testScope } from '@robustmq/testing';
import { startTestJournal } from '@robustmq/testing/journal';
import { startTestPlacement } from '@robustmq/testing/placement';

const scope = testScope();

it('closes data-port sockets over max_data_connections at once and counts them', async () => {
  const placement = scope.add(await startTestPlacement());
  const journal = scope.add(
    await startTestJournal({
      placement: [placement.grpcAddress],
      overrides: { network: { max_data_connections: 3 } },
    }),
  );
  const sockets = Array.from({ length: 6 }, () => connect(journal.ports.data, '127.0.0.1'));
  scope.defer(() => sockets.forEach((s) => s.destroy()));
  const closedEarly = await Promise.all(
    sockets.map(
      (s) =>
        new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), 1_000);
          s.once('close', () => {
            clearTimeout(timer);
            resolve(true);
          });
          s.on('error', () => undefined);
        }),
    ),
  );
  expect(closedEarly.filter(Boolean)).toHaveLength(3);
  const metrics = await (await fetch(`http://127.0.0.1:${journal.ports.http}/metrics`)).text();
  expect(metrics).toMatch(/journal_limit_hits_total\{limit="connection_cap",scope="data"[^}]*\} 3/);
});
