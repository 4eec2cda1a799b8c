// Regenerates bindings the way `npm run cdktf:generate` does, into a scratch folder, and compares
// them with the committed copy.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, listFiles, type BindingsTarget } from '../../../scripts/cdktf-bindings';

/**
 * Runs the generator script on the provider in `mirrorDir`, in its own process, as the npm script does: the generator's commons
 * package spawns `terraform version` on load and keeps handles open.
 */
export function regenerateInto(target: BindingsTarget, outDir: string, mirrorDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [require.resolve('tsx/cli'), 'scripts/cdktf-generate.ts', '--target', target.name, '--out', outDir, '--mirror', mirrorDir],
      { cwd: REPO_ROOT, encoding: 'utf8', timeout: 300_000 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`cdktf-generate --target ${target.name} failed:\n${stdout}${stderr}`)) : resolve(),
    );
  });
}

/** Files whose committed copy is missing or differs from the regenerated one. */
export function staleFiles(committedDir: string, regeneratedDir: string): string[] {
  return listFiles(regeneratedDir).filter((file) => {
    let current: string;
    try {
      current = readFileSync(path.join(committedDir, file), 'utf8');
    } catch {
      return true;
    }
    return current !== readFileSync(path.join(regeneratedDir, file), 'utf8');
  });
}
