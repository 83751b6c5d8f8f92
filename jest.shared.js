// Shared Jest settings: SWC transpiles (type-checking is `npm run typecheck`), and the package's
// own entry points resolve to the sources so specs import 'nestjs-rfs' exactly as users do.
const fs = require('node:fs');
const swcrc = JSON.parse(fs.readFileSync(`${__dirname}/.swcrc`, 'utf8'));
delete swcrc.$schema;

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swcrc, swcrc: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^nestjs-rfs$': '<rootDir>/lib/index.ts',
    '^nestjs-rfs/testing$': '<rootDir>/lib/testing/index.ts',
    '^nestjs-rfs/testing/jest$': '<rootDir>/lib/testing/jest.ts',
  },
  modulePathIgnorePatterns: [
    '<rootDir>/dist',
    '<rootDir>/dist-sample',
    '<rootDir>/dist-check',
  ],
};
