/**
 * Fails the run on any unhandled rejection or uncaught exception: the package
 * promises never to cause one, so a test that provokes one must not pass.
 */
const seen: unknown[] = [];
const onRejection = (reason: unknown) => seen.push(reason);
const onException = (error: unknown) => seen.push(error);

beforeAll(() => {
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
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
  process.off('unhandledRejection', onRejection);
  process.off('uncaughtException', onException);
});
