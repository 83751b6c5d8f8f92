// `npm run test:integration`: specs that need real Prometheus, Alertmanager or Chromium,
// installed and located by .ci/run, and the long runs of the reliability suite (test/reliability).
const shared = require('./jest.shared');

module.exports = {
  ...shared,
  testMatch: [
    '<rootDir>/test/integration/**/*.int-spec.ts',
    '<rootDir>/test/reliability/**/*.int-spec.ts',
  ],
  testTimeout: 120000,
};
