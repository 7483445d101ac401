// The broker's main single-broker suites once more on journal storage (MQTT_TEST_STORAGE=journal): each file's broker
// gets an in-process placement center and journal server (@robustmq/testing/broker). The default project runs
// every suite on rocksdb; this one proves the same behaviour over the journal, the designed data path.
import { projectConfig } from '../../vitest.shared.js';

export const JOURNAL_SUITES = [
  'test/pubsub.test.ts',
  'test/mqtt5.test.ts',
  'test/persistent-session.test.ts',
  'test/retained.test.ts',
  'test/restart.test.ts',
];

export default projectConfig('mqtt-broker-journal', {
  include: JOURNAL_SUITES,
  env: { MQTT_TEST_STORAGE: 'journal' },
});
