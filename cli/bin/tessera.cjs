#!/usr/bin/env node
// The package's `tessera` executable. It runs the bundle dist/cli/tessera.cjs, which `npm ci`
// builds (the `prepare` script, `npm run cli:build`); when the bundle is missing (e.g. after
// `npm ci --ignore-scripts`) it is built once, here, first.
/* global require, __dirname, process */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const repo = path.join(__dirname, '..', '..');
const bundle = path.join(repo, 'dist', 'cli', 'tessera.cjs');

if (!fs.existsSync(bundle)) {
  const tsx = path.join(repo, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  if (!fs.existsSync(tsx)) {
    process.stderr.write(`error: ${bundle} is missing and cannot be built here (no tsx): run npm ci, then npm run cli:build\n`);
    process.exit(1);
  }
  process.stderr.write('tessera: building the command line once (npm run cli:build) …\n');
  const built = require('node:child_process').spawnSync(process.execPath, [tsx, path.join(repo, 'scripts', 'cli-build.ts')], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (built.status !== 0) process.exit(1);
}

require(bundle);
