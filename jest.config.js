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
    {
      // The Angular example (examples/angular): TestBed + HttpTestingController,
      // zoneless, jsdom. Its own tsconfig keeps Angular out of the root one.
      displayName: 'angular',
      preset: 'jest-preset-angular',
      roots: ['<rootDir>/examples/angular'],
      testMatch: ['<rootDir>/examples/angular/**/*.spec.ts'],
      // Same key as the preset's transform, so this replaces it (the preset looks
      // for <rootDir>/tsconfig.spec.json).
      transform: {
        '^.+\\.(ts|js|mjs|html|svg)$': [
          'jest-preset-angular',
          { tsconfig: '<rootDir>/examples/angular/tsconfig.spec.json', stringifyContentPathRegex: '\\.(html|svg)$' },
        ],
      },
      moduleNameMapper: {
        // The example imports the package by name, as an app would; here that is the source.
        '^rxjs-as-completed$': '<rootDir>/src/index.ts',
        '^(\\.{1,2}/.*)\\.js$': '$1',
      },
      setupFilesAfterEnv: ['<rootDir>/examples/angular/setup-jest.ts'],
    },
  ],
};
