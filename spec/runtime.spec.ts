import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as rxjs from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { asCompleted } from '../src/index.js';

// Which Node and which rxjs this run is on. CI runs the suite on Node 20, 22 and 24
// (EXPECT_NODE names the major that must be running), and on the lockfile's rxjs
// (the newest 7.x) as well as with RXJS_DIR pointing at a temp install of 7.8.0, the
// floor of the peer range (jest.config.js maps every `rxjs` import there);
// RXJS_EXPECT names the version that must have been loaded.
const dir = process.env.RXJS_DIR
  ? resolve(process.env.RXJS_DIR, 'node_modules', 'rxjs')
  : resolve(__dirname, '..', 'node_modules', 'rxjs');
const version: string = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;

describe(`runtime under test: Node ${process.versions.node}, rxjs ${version}`, () => {
  it('is the Node line CI asked for', () => {
    if (process.env.EXPECT_NODE) expect(process.versions.node.split('.')[0]).toBe(process.env.EXPECT_NODE);
  });

  it('is the copy the package, the tests and rxjs/testing all load', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const expected = require(join(dir, 'dist', 'cjs', 'index.js')) as typeof rxjs;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const expectedTesting = require(join(dir, 'dist', 'cjs', 'testing', 'index.js')) as { TestScheduler: unknown };
    expect(rxjs.Observable).toBe(expected.Observable);
    expect(TestScheduler).toBe(expectedTesting.TestScheduler);
    expect(asCompleted([Promise.resolve(1)])).toBeInstanceOf(expected.Observable);
  });

  it('is the version CI asked for, within the peer range ^7.8.0', () => {
    const [major, minor] = version.split('.').map(Number);
    expect(major === 7 && minor >= 8).toBe(true);
    if (process.env.RXJS_EXPECT) expect(version).toBe(process.env.RXJS_EXPECT);
  });
});
