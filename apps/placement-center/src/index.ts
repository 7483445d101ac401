// @robustmq/placement-center: the metadata service as a library; `main.ts` is its command-line entry.
export * from './config.js';
export * from './placement-center.js';
export * from './service.js';
