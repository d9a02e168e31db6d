/**
 * Fails the run on any unhandled rejection or uncaught exception: the package
 * promises never to cause one, so a test that provokes one must not pass.
 *
 * The listeners go on the real process: inside jest the global `process` is a
 * sandbox copy whose `unhandledRejection` / `uncaughtException` listeners never
 * fire. jest 30 fails a test for a rejection only if it is still unhandled when
 * jest looks (a handler attached later clears it), while plain Node crashes at
 * the first unhandled rejection; listening on the real process catches both.
 */
import { runInThisContext } from 'node:vm';

const realProcess = runInThisContext('process') as NodeJS.Process;
const seen: unknown[] = [];
const onRejection = (reason: unknown) => seen.push(reason);
const onException = (error: unknown) => seen.push(error);

beforeAll(() => {
  realProcess.on('unhandledRejection', onRejection);
  realProcess.on('uncaughtException', onException);
});

afterEach(async () => {
  // Let pending rejections reach the hook before judging the test.
  await new Promise((resolve) => setImmediate(resolve));
  if (seen.length > 0) {
    const found = seen.splice(0);
    throw new Error(`Unhandled rejection or uncaught exception during the test: ${String(found[0])}`);
  }
});

afterAll(() => {
  realProcess.off('unhandledRejection', onRejection);
  realProcess.off('uncaughtException', onException);
});
