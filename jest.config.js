// RXJS_DIR=<absolute path of a directory holding node_modules/rxjs>: every `rxjs` and `rxjs/...`
// import, the package's, the tests' and Angular's alike, loads that copy instead of
// the lockfile's (CI: rxjs 7.8.0, the floor of the peer range, installed into a temp
// dir, so the tree stays as `npm ci` left it). spec/runtime.spec.ts proves which
// copy ran; RXJS_EXPECT makes it assert the version.
const rxjsMapper = process.env.RXJS_DIR
  ? { '^rxjs(/.*)?$': `${process.env.RXJS_DIR.replace(/\/+$/, '')}/node_modules/rxjs$1` }
  : {};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/spec', '<rootDir>/marble-tests'],
      testMatch: ['**/*.spec.ts'],
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
      // Sources import siblings as './x.js' (what Node's ESM loader needs); map to the .ts file.
      moduleNameMapper: { ...rxjsMapper, '^(\\.{1,2}/.*)\\.js$': '$1' },
      setupFilesAfterEnv: ['<rootDir>/spec/support/failOnUnhandled.ts'],
    },
  ],
};
