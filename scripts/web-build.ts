// `npm run web:build`: typechecks and builds the My Account page (web/) into dist/web/, which the
// API serves, and refuses a build whose JavaScript exceeds the 200 KB budget.
// `--if-stale` builds only when web/ (or the lock file) changed since the last build; `npm start`
// uses it so a fresh checkout gets a page and a warm one starts without waiting.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const REPO = path.resolve(__dirname, '..');
const SOURCES = [path.join(REPO, 'web'), path.join(REPO, 'client'), path.join(REPO, 'package-lock.json')];
const OUT = path.join(REPO, 'dist', 'web');
const BUDGET_BYTES = 200 * 1024;

function newestMtime(target: string): number {
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

function isStale(): boolean {
  const index = path.join(OUT, 'index.html');
  if (!fs.existsSync(index)) return true;
  const built = fs.statSync(index).mtimeMs;
  return SOURCES.some((source) => fs.existsSync(source) && newestMtime(source) > built);
}

function javascriptSizes(dir: string): Array<[string, number]> {
  const sizes: Array<[string, number]> = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && /\.m?js$/.test(entry.name)) {
      const full = path.join(entry.parentPath, entry.name);
      sizes.push([path.relative(REPO, full), fs.statSync(full).size]);
    }
  }
  return sizes;
}

function tool(name: string): string {
  const bin = path.join(REPO, 'node_modules', '.bin', name);
  if (!fs.existsSync(bin)) throw new Error(`${name} is not installed (${bin} is missing): run npm ci`);
  return bin;
}

function main(): number {
  if (process.argv.includes('--if-stale') && !isStale()) {
    process.stderr.write('web page: dist/web is up to date\n');
    return 0;
  }
  execFileSync(tool('tsc'), ['-p', path.join(REPO, 'web', 'tsconfig.json')], { cwd: REPO, stdio: 'inherit' });
  execFileSync(tool('vite'), ['build', '--config', path.join(REPO, 'web', 'vite.config.mts'), '--logLevel', 'warn'], {
    cwd: REPO,
    stdio: 'inherit',
  });
  const sizes = javascriptSizes(OUT);
  const total = sizes.reduce((sum, [, bytes]) => sum + bytes, 0);
  process.stderr.write(`web page: built into ${path.relative(REPO, OUT)}/ (${(total / 1024).toFixed(1)} KB of JavaScript)\n`);
  if (total > BUDGET_BYTES) {
    process.stderr.write(
      `web page: over the ${BUDGET_BYTES / 1024} KB JavaScript budget: ${sizes.map(([f, b]) => `${f} ${b} B`).join(', ')}\n`,
    );
    return 1;
  }
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  process.stderr.write(`web page: build failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
