// The journal server as `robustmq start` composes it: role, config loader, start function; it registers with the
// placement center, so it starts after it.
import { defineService } from '@robustmq/common';
import { loadJournalServerConfig } from './config.js';
import { startJournalServer } from './journal-server.js';

export const journalServerService = defineService({
  role: 'journal-server',
  load: loadJournalServerConfig,
  start: startJournalServer,
  after: ['placement-center'],
});
