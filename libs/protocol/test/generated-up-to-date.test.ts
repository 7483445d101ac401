// Fails when proto/ changed but `npm run proto` was not run (or the generated files were edited by hand).
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { tempDir, testScope } from '@robustmq/testing';

const lib = fileURLToPath(new URL('..', import.meta.url));
const out = tempDir('proto', testScope());

function tree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path, 'utf8'));
    }
  };
  walk(dir);
  return files;
}

it('src/generated matches what `npm run proto` generates from proto/', () => {
  execFileSync(process.execPath, [join(lib, 'scripts', 'generate.mjs'), '--out', out], { stdio: 'pipe' });
  const fresh = tree(out);
  const committed = tree(join(lib, 'src', 'generated'));
  expect([...committed.keys()].sort(), 'run `npm run proto` and commit the result').toEqual(
    [...fresh.keys()].sort(),
  );
  for (const [file, text] of fresh) {
    expect(committed.get(file), `${file} is stale: run \`npm run proto\``).toBe(text);
  }
});
