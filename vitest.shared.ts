// Shared per-project vitest settings: tests import workspace libraries from source, so no build is needed for unit tests.
import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

// One id per vitest run, inherited by every worker: @robustmq/testing builds the apps once per run with it.
process.env.ROBUSTMQ_TEST_RUN ??= `${process.pid}-${Date.now()}`;

export function projectConfig(
  name: string,
  extra: {
    testTimeout?: number;
    fileParallelism?: boolean;
    include?: string[];
    env?: Record<string, string>;
  } = {},
) {
  return defineProject({
    resolve: {
      alias: [
        {
          find: /^@robustmq\/(common|placement-client|protocol|raft|storage-adapter)$/,
          replacement: `${root}libs/$1/src/index.ts`,
        },
        // a subpath export (`@robustmq/raft/sim`) is the folder of that name with its own index.ts
        {
          find: /^@robustmq\/(common|protocol|raft|storage-adapter)\/([a-z-]+)$/,
          replacement: `${root}libs/$1/src/$2/index.ts`,
        },
        {
          find: /^@robustmq\/(placement-center|journal-server|mqtt-broker|kafka-broker)$/,
          replacement: `${root}apps/$1/src/index.ts`,
        },
        { find: /^@robustmq\/testing$/, replacement: `${root}libs/testing/src/index.ts` },
        { find: /^@robustmq\/testing\/(.+)$/, replacement: `${root}libs/testing/src/$1.ts` },
      ],
    },
    test: {
      name,
      include: extra.include ?? ['test/**/*.test.ts', 'src/**/*.test.ts'],
      ...(extra.env ? { env: extra.env } : {}),
      testTimeout: extra.testTimeout ?? 30_000,
      hookTimeout: 60_000,
      fileParallelism: extra.fileParallelism ?? true,
    },
  });
}
