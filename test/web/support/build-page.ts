// Builds the page from web/ with the project's own Vite config into a fresh folder, so the
// browser tests always exercise the current sources (and never race over dist/web/).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REPO = path.resolve(__dirname, '..', '..', '..');

export interface BuiltPage {
  root: string;
  remove(): void;
}

export async function buildPage(): Promise<BuiltPage> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-web-'));
  const vite = path.join(REPO, 'node_modules', '.bin', 'vite');
  const tsc = path.join(REPO, 'node_modules', '.bin', 'tsc');
  if (!fs.existsSync(vite)) throw new Error(`Vite is not installed (${vite} is missing): run npm ci`);
  try {
    // As `npm run web:build` does: the page's own TypeScript (DOM types) is checked first.
    await run(tsc, ['-p', path.join(REPO, 'web', 'tsconfig.json')], { cwd: REPO, timeout: 120_000 });
    await run(
      vite,
      ['build', '--config', path.join(REPO, 'web', 'vite.config.mts'), '--outDir', root, '--emptyOutDir', '--logLevel', 'warn'],
      {
        cwd: REPO,
        timeout: 120_000,
      },
    );
  } catch (error) {
    fs.rmSync(root, { recursive: true, force: true });
    const output = error as { stdout?: string; stderr?: string; message?: string };
    throw new Error(`building the web page failed: ${output.stderr || output.stdout || output.message}`, { cause: error });
  }
  return { root, remove: () => fs.rmSync(root, { recursive: true, force: true }) };
}

/** Every JavaScript file of a built page with its size in bytes. */
export function javascriptFiles(root: string): Array<{ file: string; bytes: number }> {
  const found: Array<{ file: string; bytes: number }> = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.m?js$/.test(entry.name)) found.push({ file: path.relative(root, full), bytes: fs.statSync(full).size });
    }
  };
  walk(root);
  return found;
}
