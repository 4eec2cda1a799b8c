#!/usr/bin/env node
// The package's `tessera` executable. It runs the bundle dist/cli/tessera.cjs, which `npm ci`
// builds (the `prepare` script, `npm run cli:build`); when the bundle is missing (e.g. after
// `npm ci --ignore-scripts`) it is built once, here, first.
//
// The bundle is compiled with a V8 code cache kept beside it (tessera.cjs.v8cache), written on
// the first run and whenever V8 rejects it (a rebuilt bundle, another Node version): a command
// line is short-lived, so compiling its code is a large part of its run time.
/* global require, __dirname, process */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const repo = path.join(__dirname, '..', '..');
const bundle = path.join(repo, 'dist', 'cli', 'tessera.cjs');
const cacheFile = `${bundle}.v8cache`;

if (!fs.existsSync(bundle)) {
  const tsx = path.join(repo, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  if (!fs.existsSync(tsx)) {
    process.stderr.write(`error: ${bundle} is missing and cannot be built here (no tsx): run npm ci, then npm run cli:build\n`);
    process.exit(1);
  }
  process.stderr.write('tessera: building the command line once (npm run cli:build) …\n');
  const built = require('node:child_process').spawnSync(process.execPath, [tsx, path.join(repo, 'scripts', 'cli-build.ts')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (built.status !== 0) process.exit(1);
}

let cachedData;
try {
  cachedData = fs.readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
const source = fs.readFileSync(bundle, 'utf8');
const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
  filename: bundle,
  cachedData,
});
if (cachedData === undefined || script.cachedDataRejected) {
  // At exit the cache also holds the functions this run compiled on first use.
  process.once('exit', () => {
    try {
      fs.writeFileSync(cacheFile, script.createCachedData());
    } catch {
      // A read-only install runs without a cache.
    }
  });
}
const bundleModule = { exports: {} };
script.runInThisContext()(bundleModule.exports, require, bundleModule, bundle, path.dirname(bundle));
