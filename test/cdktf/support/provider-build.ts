// Builds the tessera provider bundle before a test installs it into a mirror. Test files run in
// parallel workers, so builds are serialised with flock(1): two esbuild runs writing the same
// output while a third process copies it would hand terraform a torn file.
import { execFile } from 'node:child_process';
import { REPO_ROOT } from './stacks';

export const PROVIDER_BUILD_LOCK = '/tmp/tessera-provider-build.lock';

export function buildProvider(): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      'flock',
      [PROVIDER_BUILD_LOCK, 'npm', 'run', '--silent', 'provider:build'],
      { cwd: REPO_ROOT, encoding: 'utf8', timeout: 300_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`npm run provider:build failed (needs flock and npm):\n${stdout}${stderr}${error.message}`));
        else resolve();
      },
    );
  });
}
