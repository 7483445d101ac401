// The gRPC types are generated from proto/ by every build (scripts/generate.mjs), not committed. After a build a
// second generation must change nothing: the generator is deterministic (an incremental `tsc -b` after it has
// nothing to redo), and what the build compiled is what proto/ says.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const lib = fileURLToPath(new URL('..', import.meta.url));

it('src/generated is what scripts/generate.mjs makes of proto/, and generating again writes nothing', () => {
  expect(existsSync(join(lib, 'src', 'generated', 'kv.ts')), 'run `npm run build` (or `npm run proto`)').toBe(
    true,
  );
  const out = execFileSync(process.execPath, [join(lib, 'scripts', 'generate.mjs')], { encoding: 'utf8' });
  expect(out, 'the generated types differed from proto/').toBe('');
});
