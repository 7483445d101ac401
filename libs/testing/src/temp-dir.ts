// Temporary data dirs for tests: one under the OS temp dir per service, removed when the test's scope closes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Scope } from './scope.js';

/** A new empty directory `robustmq-<prefix>-XXXXXX`; removed when `scope` closes, if one is given. */
export function tempDir(prefix: string, scope?: Scope): string {
  const dir = mkdtempSync(join(tmpdir(), `robustmq-${prefix}-`));
  scope?.defer(() => removeDir(dir), `temp dir ${dir}`);
  return dir;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
