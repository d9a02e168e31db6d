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
      moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
      setupFilesAfterEnv: ['<rootDir>/spec/support/failOnUnhandled.ts'],
    },
  ],
};
