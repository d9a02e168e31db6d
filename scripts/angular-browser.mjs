#!/usr/bin/env node
// The Angular example (examples/angular) in a real browser, from the repo root.
//
//   node scripts/angular-browser.mjs test [--update-screenshots]   (npm run test:browser)
//   node scripts/angular-browser.mjs demo [--port 4280]            (npm run demo:browser)
//
// test: packs the package (`npm pack`: prepack builds dist/), installs the app's
// locked dependencies (`npm ci`) and then the fresh tarball (`npm install
// --no-save`, so the lockfile never pins a tarball hash that changes with every
// pack), runs the app's unit tests (`ng test`, vitest), the production build
// (`ng build --stats-json`), the end-to-end run in headless Chromium
// (e2e/e2e.mjs; Chromium from scripts/ensure-chromium.sh) and the size check
// (e2e/size-check.mjs). Prints the time of each step.
//
// demo: the same install and build when there is no build yet, then serves the
// dashboard and its backend on 127.0.0.1 and prints the URL.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const app = path.join(root, 'examples/angular');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const [command = 'test', ...rest] = process.argv.slice(2);
const env = { ...process.env, NG_CLI_ANALYTICS: 'false' };
const timings = [];
const started = Date.now();

function run(label, cmd, args, cwd, extraEnv = {}) {
  console.log(`\n--> ${label}: ${[cmd, ...args].join(' ')}  (in ${path.relative(root, cwd) || '.'})`);
  const t0 = Date.now();
  const result = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], env: { ...env, ...extraEnv } });
  const seconds = (Date.now() - t0) / 1000;
  timings.push([label, seconds]);
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${label} failed (exit ${result.status ?? result.signal})`);
  }
  return result;
}

function chromium() {
  const result = spawnSync('bash', [path.join(root, 'scripts/ensure-chromium.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (result.status !== 0) throw new Error('no Chromium (scripts/ensure-chromium.sh failed)');
  return result.stdout.trim();
}

/** npm ci in the app, skipped when node_modules was installed from this very lockfile. */
function installApp() {
  const lock = readFileSync(path.join(app, 'package-lock.json'));
  const stamp = path.join(app, 'node_modules/.installed-lock-sha256');
  const hash = createHash('sha256').update(lock).digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) {
    console.log('\n--> app dependencies: up to date with package-lock.json (npm ci skipped)');
  } else {
    run('app npm ci', npm, ['ci', '--prefer-offline', '--no-audit', '--no-fund'], app);
    writeFileSync(stamp, hash);
  }
  // The package as a user gets it: the packed tarball.
  const packDir = path.join(root, '.scratch/angular-pack');
  rmSync(packDir, { recursive: true, force: true });
  mkdirSync(packDir, { recursive: true });
  run('npm pack', npm, ['pack', '--pack-destination', packDir], root);
  const tgz = readdirSync(packDir).find((f) => f.endsWith('.tgz'));
  if (!tgz) throw new Error('npm pack wrote no tarball');
  run('install the tarball', npm, ['install', '--no-save', '--no-audit', '--no-fund', path.join(packDir, tgz)], app);
}

const ng = (label, args, extraEnv) => run(label, path.join(app, 'node_modules/.bin/ng'), args, app, extraEnv);

function summary() {
  console.log('\nTimings:');
  for (const [label, s] of timings) console.log(`  ${label.padEnd(24)} ${s.toFixed(1).padStart(6)} s`);
  console.log(`  ${'total'.padEnd(24)} ${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s`);
}

try {
  if (command === 'test') {
    const chrome = chromium();
    console.log(`Chromium: ${chrome}`);
    installApp();
    ng('ng test (vitest)', ['test', '--watch=false', '--progress=false']);
    ng('ng build (production)', ['build', '--stats-json', '--progress=false']);
    run('e2e (headless Chromium)', process.execPath, ['e2e/e2e.mjs', ...rest], app, { CHROMIUM_PATH: chrome });
    run('size check', process.execPath, ['e2e/size-check.mjs'], app);
    summary();
    console.log('\ntest:browser passed');
  } else if (command === 'demo') {
    if (
      !existsSync(path.join(app, 'dist/dashboard/browser/index.html')) ||
      !existsSync(path.join(app, 'node_modules'))
    ) {
      installApp();
      ng('ng build (production)', ['build', '--progress=false']);
    }
    // Serves until Ctrl-C; the server prints the URL.
    spawnSync(process.execPath, ['server/serve.mjs', ...rest], { cwd: app, stdio: 'inherit' });
  } else {
    console.error('usage: node scripts/angular-browser.mjs test [--update-screenshots] | demo [--port N]');
    process.exitCode = 2;
  }
} catch (error) {
  if (timings.length) summary();
  console.error(
    `\n${command === 'test' ? 'test:browser' : 'demo:browser'}: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exitCode = 1;
}
