// `npm run test:integration`: specs that need real Prometheus, Alertmanager or Chromium,
// installed and located by .ci/run.
const shared = require('./jest.shared');

module.exports = {
  ...shared,
  testMatch: ['<rootDir>/test/integration/**/*.int-spec.ts'],
  testTimeout: 120000,
};
