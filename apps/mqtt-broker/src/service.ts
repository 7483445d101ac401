// The MQTT broker as `robustmq start` composes it: role, config loader, start function. It registers with the
// placement center and, on journal storage, writes to the journal servers, so it starts after both.
import { defineService } from '@robustmq/common';
import { startMqttBroker } from './broker.js';
import { loadMqttBrokerConfig } from './config.js';

export const mqttBrokerService = defineService({
  role: 'mqtt-broker',
  load: loadMqttBrokerConfig,
  start: startMqttBroker,
  after: ['placement-center', 'journal-server'],
});
