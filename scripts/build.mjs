#!/usr/bin/env node
// Builds dist/esm and dist/cjs: esbuild transpiles every source file on its own
// (no bundling, so `./x.js` imports stay as they are), and `tsc` emits the
// declarations, which are copied next to both builds.
import { spawnSync } from 'node:child_process';
import { cp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'src');
const dist = path.join(root, 'dist');
const typesDir = path.join(dist, 'types');

/** Every `.ts` file under `dir`, except tests and hand-written declarations. */
async function sourceFiles(dir) {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => path.join(e.parentPath ?? e.path, e.name))
    .sort();
}

/** `entry` and every declaration file it imports, following relative specifiers. */
async function reachableDeclarations(entry) {
  const seen = new Set();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    const text = await readFile(file, 'utf8');
    for (const [, specifier] of text.matchAll(/(?:from\s+|import\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
      pending.push(path.resolve(path.dirname(file), specifier.replace(/\.js$/, '.d.ts')));
    }
  }
  return [...seen].sort();
}

function runTsc() {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`tsc -p tsconfig.build.json failed (exit ${result.status})`);
}

await rm(dist, { recursive: true, force: true });

const entryPoints = await sourceFiles(src);
if (entryPoints.length === 0) throw new Error(`No sources found in ${src}`);

for (const [format, type] of [
  ['esm', 'module'],
  ['cjs', 'commonjs'],
]) {
  const outdir = path.join(dist, format);
  await build({
    entryPoints,
    outdir,
    outbase: src,
    bundle: false,
    format,
    platform: 'neutral',
    target: 'es2022',
    tsconfig: path.join(root, 'tsconfig.build.json'),
    logLevel: 'warning',
  });
  await writeFile(path.join(outdir, 'package.json'), `${JSON.stringify({ type }, null, 2)}\n`);
}

runTsc();
// Ship only the declarations the public entry reaches (internal modules' are unused).
const declarations = await reachableDeclarations(path.join(typesDir, 'index.d.ts'));
for (const format of ['esm', 'cjs']) {
  for (const file of declarations) {
    await cp(file, path.join(dist, format, path.relative(typesDir, file)));
  }
}
await rm(typesDir, { recursive: true, force: true });

console.log(
  `Built ${entryPoints.length} modules into dist/esm and dist/cjs, with ${declarations.length} declaration files each.`,
);
