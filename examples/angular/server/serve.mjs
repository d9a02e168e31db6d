#!/usr/bin/env node
// Serves the production build of the dashboard (dist/dashboard/browser) and its
// backend on 127.0.0.1, prints the URL, and logs every API request as it ends:
// its status, or "aborted" when the browser closed it before the answer.
//
//   node server/serve.mjs [--port 4280]      (after `ng build`)
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, startBackend } from './backend.mjs';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const staticDir = path.join(appDir, 'dist/dashboard/browser');
const portArg = process.argv.indexOf('--port');
const port = portArg > 0 ? Number(process.argv[portArg + 1]) : Number(process.env.PORT ?? 4280);

if (!existsSync(path.join(staticDir, 'index.html'))) {
  console.error(
    `No build in ${staticDir}: run \`npx ng build\` in ${appDir} first (npm run test:browser does).`,
  );
  process.exit(2);
}
const backend = await startBackend({ port, staticDir }).catch((error) => {
  console.error(`cannot listen on 127.0.0.1:${port}: ${error.code ?? error.message} (try --port)`);
  process.exit(2);
});
backend.log.onChange((event, record) => {
  if (event !== 'open') console.log(describe(record));
});
console.log(
  `Dashboard: ${backend.url}/dashboard   (XHR; ${backend.url}/dashboard?http=fetch for withFetch())`,
);
console.log(
  'Pages: /dashboard /deadline /regions?region=eu /fetch /catalog /customer /about · Ctrl-C to stop\n',
);
const stop = () => backend.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
