// `npm test`: every spec that needs no external server (unit specs beside the code, e2e specs
// that start real Nest apps on 127.0.0.1, the sample's specs).
const shared = require('./jest.shared');

module.exports = {
  testTimeout: 30000,
  projects: [
    {
      ...shared,
      displayName: 'specs',
      testMatch: ['<rootDir>/{lib,test,sample,bench}/**/*.{spec,e2e-spec}.ts'],
      testPathIgnorePatterns: ['/node_modules/', '\\.setup\\.spec\\.ts$'],
      testTimeout: 30000,
    },
    // The testing kit's Jest matchers, loaded the way users load them (setupFilesAfterEnv);
    // only `*.setup.spec.ts` files get them (and only here), so no other spec depends on them.
    {
      ...shared,
      displayName: 'testing-kit matchers',
      testMatch: ['<rootDir>/lib/testing/**/*.setup.spec.ts'],
      // Users write 'nestjs-rfs/testing/jest'; here the entry's source file.
      setupFilesAfterEnv: ['<rootDir>/lib/testing/jest.ts'],
      testTimeout: 30000,
    },
  ],
};
