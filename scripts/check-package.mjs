#!/usr/bin/env node
// publint, strict, and failing on any message of any level (its CLI exits 0 on
// suggestions). `npm run check:package` runs this, then `attw --pack`.
// Expects a build in dist/ (publint packs without running `prepack`).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(path.join(root, 'dist', 'esm', 'index.js'))) {
  console.error('No build in dist/: run `npm run build` first.');
  process.exit(1);
}

const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));
const { messages } = await publint({ pkgDir: root, strict: true, level: 'suggestion', pack: 'npm' });
for (const message of messages) {
  console.error(`publint ${message.type}: ${formatMessage(message, pkg) ?? message.code}`);
}
console.log(messages.length === 0 ? 'publint --strict: nothing to report' : `publint: ${messages.length} message(s)`);

process.exitCode = messages.length === 0 ? 0 : 1;
