// The Kafka broker as `robustmq start` composes it: role, config loader, start function. It registers with the
// placement center and keeps its partitions on the journal servers, so it starts after both.
import { defineService } from '@robustmq/common';
import { startKafkaBroker } from './broker.js';
import { loadKafkaBrokerConfig } from './config.js';

export const kafkaBrokerService = defineService({
  role: 'kafka-broker',
  load: loadKafkaBrokerConfig,
  start: startKafkaBroker,
  after: ['placement-center', 'journal-server'],
});
