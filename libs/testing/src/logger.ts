// One logger for services started by tests: silent unless TEST_LOG_LEVEL asks for more (e.g. TEST_LOG_LEVEL=debug
// to see what a failing test's servers did).
import { createLogger } from '@robustmq/common';

export const testLogLevel = process.env.TEST_LOG_LEVEL ?? 'silent';

export const quietLogger = createLogger({ service: 'test', level: testLogLevel });
