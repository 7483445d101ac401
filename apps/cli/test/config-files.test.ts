// The shipped config files load as they are, and docs/configuration.md documents every key of every service
// (a new key without documentation fails here).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadPlacementCenterConfig } from '@robustmq/placement-center';
import { loadJournalServerConfig } from '@robustmq/journal-server';
import { loadMqttBrokerConfig } from '@robustmq/mqtt-broker';
import { loadKafkaBrokerConfig } from '@robustmq/kafka-broker';
import { ROOT } from '@robustmq/testing';

const docs = readFileSync(join(ROOT, 'docs/configuration.md'), 'utf8');

it.each([
  ['placement-center', loadPlacementCenterConfig],
  ['journal-server', loadJournalServerConfig],
  ['mqtt-broker', loadMqttBrokerConfig],
  ['kafka-broker', loadKafkaBrokerConfig],
] as const)('config/%s.toml loads, equals the defaults and every key is documented', (name, load) => {
  const fromFile = load({ file: join(ROOT, 'config', `${name}.toml`), env: {} }) as Record<
    string,
    Record<string, unknown>
  >;
  const defaults = load({ env: {} }) as Record<string, Record<string, unknown>>;
  expect(fromFile).toEqual(defaults);
  for (const [section, keys] of Object.entries(defaults)) {
    for (const key of Object.keys(keys))
      expect(docs, `${section}.${key} in docs/configuration.md`).toContain(`\`${section}.${key}\``);
  }
});
