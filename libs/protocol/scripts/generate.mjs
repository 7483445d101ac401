#!/usr/bin/env node
// Generates TypeScript types for every .proto under proto/ with @grpc/proto-loader's proto-loader-gen-types.
// `node generate.mjs` writes libs/protocol/src/generated; `node generate.mjs --out DIR` writes elsewhere (the
// staleness test generates into a temp dir and compares). The options here must match the runtime loader's
// (libs/protocol/src/grpc/loader.ts), otherwise the types would lie about the decoded values.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const protoDir = join(root, 'proto');
const { values } = parseArgs({ options: { out: { type: 'string' } } });
const outDir = values.out ?? join(here, '..', 'src', 'generated');

function protoFiles(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((d) =>
      d.isDirectory() ? protoFiles(join(dir, d.name)) : d.name.endsWith('.proto') ? [join(dir, d.name)] : [],
    )
    .sort();
}

const files = protoFiles(protoDir).map((f) => relative(protoDir, f));
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
// the generator records absolute proto paths; make them relative so output does not depend on the checkout's folder
function rewrite(dir) {
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, d.name);
    if (d.isDirectory()) rewrite(path);
    else writeFileSync(path, readFileSync(path, 'utf8').replaceAll(`${protoDir}/`, 'proto/'));
  }
}
rewrite(outDir);
console.log(`generated types for ${files.length} proto files into ${relative(root, outDir)}`);
