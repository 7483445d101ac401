// The broker's suites of live delivery and persistent sessions once more on memory storage (MQTT_TEST_STORAGE=memory):
// memory storage loses everything on restart by design, but while the broker runs it keeps the same MQTT promises
// as rocksdb (QoS 1/2 queued for away persistent sessions, in order). Suites that restart the broker are not here.
import { projectConfig } from '../../vitest.shared.js';

export const MEMORY_SUITES = ['test/pubsub.test.ts', 'test/persistent-session.test.ts'];

export default projectConfig('mqtt-broker-memory', {
  include: MEMORY_SUITES,
  env: { MQTT_TEST_STORAGE: 'memory' },
});
