#!/usr/bin/env node
// Smoke test of the published artefact: packs the package, installs the tarball
// (plus rxjs) into a scratch project in a temp dir, and runs an ESM script, a CJS
// script and a type check against it, as a user's project would. Exits non-zero
// on any failure. Set KEEP_SMOKE_DIR=1 to keep the temp dir for a look.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));
// The rxjs the repo was tested with (already in the npm cache after `npm ci`).
const rxjsVersion = JSON.parse(await readFile(require.resolve('rxjs/package.json'), 'utf8')).version;
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(command, args, cwd) {
  console.log(`\n$ ${[command, ...args].join(' ')}    (in ${cwd})`);
  const result = spawnSync(command, args, {
    cwd,
    stdio: ['ignore', 'inherit', 'inherit'],
    shell: process.platform === 'win32',
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`\`${[command, ...args].join(' ')}\` failed with exit code ${result.status ?? result.signal}`);
  }
}

// The same checks for both entries; `lib` is what `import`/`require` returned.
const checks = `async function check(lib, rxjs) {
  const { asCompleted, asCompletedWithTimeout, AsCompletedTimeoutError } = lib;
  const { lastValueFrom, toArray } = rxjs;
  const wait = (ms, value) => new Promise((resolve) => setTimeout(resolve, ms, value));
  const never = new Promise(() => {});
  const assert = (ok, message) => {
    if (!ok) throw new Error(message);
  };

  // A real deadline: one input never settles, the total deadline is 20 ms.
  const started = Date.now();
  let caught;
  try {
    await lastValueFrom(asCompletedWithTimeout([wait(5, 'quick'), never], { total: 20 }));
  } catch (error) {
    caught = error;
  }
  const elapsed = Date.now() - started;
  assert(caught !== undefined, 'the deadline did not fire');
  assert(caught instanceof AsCompletedTimeoutError, 'not instanceof AsCompletedTimeoutError: ' + String(caught));
  assert(caught instanceof Error, 'the timeout error is not an Error');
  assert(caught.name === 'AsCompletedTimeoutError', 'unexpected name ' + caught.name);
  assert(JSON.stringify(caught.info.pending) === '[1]', 'unexpected info.pending ' + JSON.stringify(caught.info.pending));
  assert(elapsed >= 15 && elapsed < 2000, 'the deadline fired after ' + elapsed + ' ms, expected about 20');

  // A normal run: results in completion order, not input order.
  const results = await lastValueFrom(asCompleted([wait(60, 'slow'), wait(10, 'fast'), wait(35, 'medium')]).pipe(toArray()));
  assert(JSON.stringify(results) === '["fast","medium","slow"]', 'unexpected order ' + JSON.stringify(results));
}
`;

const esmScript = `import { createRequire } from 'node:module';
import * as rxjs from 'rxjs';
import { asCompleted, asCompletedWithTimeout, AsCompletedTimeoutError } from '${pkg.name}';
${checks}
await check({ asCompleted, asCompletedWithTimeout, AsCompletedTimeoutError }, rxjs);
console.log('ESM entry: ok (' + import.meta.resolve('${pkg.name}') + ')');

// Both builds in one process (an ESM app with a CommonJS dependency on the
// package): two classes, and \`instanceof\` holds across them either way.
const fromCjs = createRequire(import.meta.url)('${pkg.name}');
if (fromCjs.AsCompletedTimeoutError === AsCompletedTimeoutError) throw new Error('expected two copies of the class');
const info = { scope: 'total', timeout: 1, total: 1, completed: 0, pending: [0], queued: [] };
if (!(new fromCjs.AsCompletedTimeoutError(info) instanceof AsCompletedTimeoutError)) {
  throw new Error('a CJS-made timeout error is not instanceof the ESM class');
}
if (!(new AsCompletedTimeoutError(info) instanceof fromCjs.AsCompletedTimeoutError)) {
  throw new Error('an ESM-made timeout error is not instanceof the CJS class');
}
console.log('ESM and CJS together: instanceof holds across builds');
`;

const cjsScript = `const rxjs = require('rxjs');
${checks}
check(require('${pkg.name}'), rxjs).then(
  () => console.log('CJS entry: ok (' + require.resolve('${pkg.name}') + ')'),
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
`;

// Type-level use of the declarations, through each condition of the exports map.
const typeUse = (header) => `${header}
const stream = asCompletedWithTimeout([Promise.resolve(1), of('two')], { total: 20, emit: 'tagged' });
stream.subscribe({
  next: (record) => {
    const value: number | string = record.value;
    const index: number = record.index;
    void [value, index];
  },
  error: (error: unknown) => {
    if (error instanceof AsCompletedTimeoutError) {
      const pending: readonly number[] = error.info.pending;
      void pending;
    }
  },
});
const plain = asCompleted([Promise.resolve(1)]);
plain.subscribe((n: number) => n.toFixed());
`;

const tmp = await mkdtemp(path.join(os.tmpdir(), 'rxjs-as-completed-smoke-'));
let failed = false;
try {
  // 1. Pack (the `prepack` script builds dist/ first).
  const packDir = path.join(tmp, 'pack');
  await mkdir(packDir);
  run(npm, ['pack', '--pack-destination', packDir], root);
  const tarballs = (await readdir(packDir)).filter((name) => name.endsWith('.tgz'));
  if (tarballs.length !== 1)
    throw new Error(`expected one tarball in ${packDir}, found ${tarballs.join(', ') || 'none'}`);
  const tarball = path.join(packDir, tarballs[0]);

  // 2. A scratch project that installs the tarball and rxjs from the registry.
  const app = path.join(tmp, 'app');
  await mkdir(app);
  await writeFile(
    path.join(app, 'package.json'),
    `${JSON.stringify({ name: 'smoke-app', version: '0.0.0', private: true }, null, 2)}\n`,
  );
  run(
    npm,
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--no-package-lock', tarball, `rxjs@${rxjsVersion}`],
    app,
  );

  // 3. Runtime: the ESM and CJS entries.
  await writeFile(path.join(app, 'esm.mjs'), esmScript);
  await writeFile(path.join(app, 'cjs.cjs'), cjsScript);
  run(process.execPath, ['esm.mjs'], app);
  run(process.execPath, ['cjs.cjs'], app);

  // 4. Types: both conditions, as a NodeNext project sees them.
  // In a .cts file TypeScript resolves the import through the `require` condition.
  const typeHeader = `import { of } from 'rxjs';\nimport { asCompleted, asCompletedWithTimeout, AsCompletedTimeoutError } from '${pkg.name}';`;
  await writeFile(path.join(app, 'types.mts'), typeUse(typeHeader));
  await writeFile(path.join(app, 'types.cts'), typeUse(typeHeader));
  const tsc = require.resolve('typescript/bin/tsc');
  const tscArgs = ['--noEmit', '--strict', '--module', 'nodenext', '--target', 'es2022', 'types.mts', 'types.cts'];
  run(process.execPath, [tsc, ...tscArgs], app);
  console.log('Types: ok');

  console.log(`\nSmoke test of ${path.basename(tarball)}: passed`);
} catch (error) {
  failed = true;
  console.error(`\nSmoke test failed: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  if (process.env.KEEP_SMOKE_DIR) console.log(`Kept ${tmp}`);
  else await rm(tmp, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
