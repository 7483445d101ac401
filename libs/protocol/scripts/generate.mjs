#!/usr/bin/env node
// Generates TypeScript types for every .proto under proto/ with @grpc/proto-loader's proto-loader-gen-types.
// proto/ is the one source: the types are not committed, every build (`npm run build`, the test kit's buildOnce, the
// Dockerfile) runs this first. `node generate.mjs` brings libs/protocol/src/generated up to date, writing only the
// files whose text changed (so an incremental `tsc -b` after it has nothing to redo when proto/ did not change);
// `node generate.mjs --out DIR` writes a fresh tree elsewhere. The options here must match the runtime loader's
// (libs/protocol/src/grpc/loader.ts), otherwise the types would lie about the decoded values.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  mkdirSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const protoDir = join(root, 'proto');
const { values } = parseArgs({ options: { out: { type: 'string' } } });
const target = values.out ?? join(here, '..', 'src', 'generated');
// the generator writes a fresh tree; without --out it goes to a scratch dir and only changes are copied over
const outDir = values.out ?? mkdtempSync(join(tmpdir(), 'robustmq-proto-'));

/** every file below `dir`, as paths relative to it. */
function list(dir, base = dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? list(join(dir, d.name), base) : [relative(base, join(dir, d.name))],
  );
}

const files = list(protoDir)
  .filter((f) => f.endsWith('.proto'))
  .sort();
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const bin = join(root, 'node_modules', '@grpc', 'proto-loader', 'build', 'bin', 'proto-loader-gen-types.js');
execFileSync(
  process.execPath,
  [
    bin,
    '--longs=Number',
    '--enums=String',
    '--defaults',
    '--oneofs',
    '--includeComments',
    '--grpcLib=@grpc/grpc-js',
    '--importFileExtension=.js',
    `-I=${protoDir}`,
    `--outDir=${outDir}`,
    ...files,
  ],
  { cwd: protoDir, stdio: ['ignore', 'ignore', 'inherit'] },
);
// the generator records absolute proto paths: make them relative so output does not depend on the checkout's folder;
// without --out, copy a file over only when its text changed
const fresh = new Set(list(outDir));
let changed = 0;
for (const file of fresh) {
  const text = readFileSync(join(outDir, file), 'utf8').replaceAll(`${protoDir}/`, 'proto/');
  const dest = join(target, file);
  if (values.out) writeFileSync(dest, text);
  else if (!existsSync(dest) || readFileSync(dest, 'utf8') !== text) {
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(dest, text);
    changed++;
  }
}
if (values.out) {
  console.log(`generated types for ${files.length} proto files into ${relative(root, outDir)}`);
} else {
  for (const file of list(target)) {
    if (!fresh.has(file)) {
      rmSync(join(target, file));
      changed++;
    }
  }
  rmSync(outDir, { recursive: true, force: true });
  if (changed > 0) console.log(`proto: ${changed} generated type files updated in ${relative(root, target)}`);
}
