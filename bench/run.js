#!/usr/bin/env node
// Runs the benchmarks: `node bench/run.js [group | file.bench.ts ...]`.
//   no argument   every bench/<group>/**/*.bench.ts (groups: micro, http, memory, …)
//   micro         only bench/micro/**
//   micro/result.bench.ts  one file (relative to bench/ or to the current folder)
// Each bench file runs in its own fresh `node` process (no JIT or heap state leaks from one
// bench into the next), TypeScript compiled on the fly by harness/register.js.
// Environment: BENCH_QUICK=1 (smoke run: 2 short rounds), BENCH_STRICT=1 (exit 1 when a
// declared goal is missed).
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const benchDir = __dirname;
const root = path.resolve(benchDir, '..');
const notGroups = new Set(['harness', 'results', 'node_modules']);
// Run only when named (`node bench/run.js instructions`): they need extra tools or time.
const optionalGroups = new Set(['instructions']);

function benchFiles(dir) {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return benchFiles(full);
      return entry.name.endsWith('.bench.ts') ? [full] : [];
    })
    .sort();
}

function groups() {
  return fs
    .readdirSync(benchDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !notGroups.has(e.name))
    .map((e) => e.name)
    .sort();
}

function select(args) {
  if (args.length === 0)
    return groups()
      .filter((g) => !optionalGroups.has(g))
      .flatMap((g) => benchFiles(path.join(benchDir, g)));
  return args.flatMap((arg) => {
    for (const asFile of [path.resolve(arg), path.join(benchDir, arg)]) {
      if (fs.existsSync(asFile) && fs.statSync(asFile).isFile())
        return [asFile];
    }
    const asGroup = path.join(benchDir, arg);
    if (fs.existsSync(asGroup) && fs.statSync(asGroup).isDirectory())
      return benchFiles(asGroup);
    console.error(
      `bench: "${arg}" is neither a bench file nor a group; groups are: ${groups().join(', ')}`,
    );
    process.exit(2);
  });
}

const files = select(process.argv.slice(2));
if (files.length === 0) {
  console.error('bench: no *.bench.ts files found');
  process.exit(2);
}

const started = Date.now();
const failed = [];
for (const file of files) {
  const rel = path.relative(root, file);
  console.log(`\n▶ ${rel}`);
  const fileStarted = Date.now();
  const run = spawnSync(
    process.execPath,
    [
      '--expose-gc',
      '--require',
      path.join(benchDir, 'harness', 'register.js'),
      file,
    ],
    { cwd: root, stdio: 'inherit', env: process.env },
  );
  console.log(`◀ ${rel}: ${((Date.now() - fileStarted) / 1000).toFixed(1)} s`);
  if (run.status !== 0)
    failed.push(`${rel} (exit ${run.status ?? run.signal})`);
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(
  `\nbench: ${files.length} file(s) in ${seconds} s; results in bench/results/`,
);
if (failed.length > 0) {
  console.error(`bench: failed: ${failed.join(', ')}`);
  process.exit(1);
}
