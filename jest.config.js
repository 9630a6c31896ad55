/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testTimeout: 30000,
  maxWorkers: 2,
  // One jongodb server (a MongoDB-compatible test server) for every test file, always stopped at the end.
  globalSetup: '<rootDir>/test/support/globalSetup.ts',
  globalTeardown: '<rootDir>/test/support/globalTeardown.ts',
  // otplib's CommonJS build requires @scure/base and @noble/hashes, which ship as ES modules only.
  // Node 20 loads them natively, but jest's module runtime cannot, so jest compiles them to CommonJS.
  transformIgnorePatterns: ['/node_modules/(?!(@scure|@noble)/)'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
    '^.+/node_modules/(@scure|@noble)/.+\\.js$': [
      'ts-jest',
      { tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2022', esModuleInterop: true }, diagnostics: false },
    ],
  },
};
