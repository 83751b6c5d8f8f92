// Lets plain `node` run the TypeScript benches with nothing built first: `.ts` files are
// compiled in memory by @swc/core with the project's .swcrc (the settings Jest uses), and
// `nestjs-rfs` resolves to the sources in lib/, exactly as in the specs.
// Used by bench/run.js as `node --require ./bench/harness/register.js file.bench.ts`.
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const { transformSync } = require('@swc/core');

const root = path.resolve(__dirname, '..', '..');
const swcrc = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));
delete swcrc.$schema;
// No source maps: benches measure the compiled code, and mapping is not free.
const swcOptions = { ...swcrc, swcrc: false, sourceMaps: false };

const aliases = {
  'nestjs-rfs': 'lib/index.ts',
  'nestjs-rfs/testing': 'lib/testing/index.ts',
  'nestjs-rfs/testing/jest': 'lib/testing/jest.ts',
};
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const alias = aliases[request];
  return resolveFilename.call(
    this,
    alias ? path.join(root, alias) : request,
    ...rest,
  );
};

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = transformSync(source, { ...swcOptions, filename });
  module._compile(code, filename);
};
