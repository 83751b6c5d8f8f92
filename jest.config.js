// `npm test`: every spec that needs no external server (unit specs beside the code, e2e specs
// that start real Nest apps on 127.0.0.1, the sample's specs).
const shared = require('./jest.shared');

module.exports = {
  ...shared,
  testMatch: ['<rootDir>/{lib,test,sample,bench}/**/*.{spec,e2e-spec}.ts'],
  testTimeout: 30000,
};
