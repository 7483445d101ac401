// @robustmq/journal-server: the storage node as a library; `main.ts` is its command-line entry.
export * from './config.js';
export * from './journal-server.js';
export * from './service.js';
