// One logger for services started by tests: silent unless TEST_LOG_LEVEL asks for more (e.g. TEST_LOG_LEVEL=debug
// to see what a failing test's servers did); and a capturing one for tests of what gets logged.
import { Writable } from 'node:stream';
import pino from 'pino';
import { createLogger, type Logger } from '@robustmq/common';

export const testLogLevel = process.env.TEST_LOG_LEVEL ?? 'silent';

export const quietLogger = createLogger({ service: 'test', level: testLogLevel });

/** A logger whose lines (JSON, one per entry at `level` or above) are kept, for tests of what a component logs. */
export function captureLogger(level = 'warn'): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ level }, sink) as unknown as Logger, lines };
}
