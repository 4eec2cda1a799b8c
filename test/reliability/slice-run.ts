// Runs a reliability script as `npm run …` runs it, in its own process, for the CI slices
// (*.test.ts beside this file; one file each, so jest runs them side by side). The full sizes
// (fuzz:api 100 000 cases, fuzz:provider 1 000 000, soak 10 minutes) run by hand; their figures
// are in the README's Reliability section.
import { spawn } from 'node:child_process';
import * as path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..');

export function runScript(script: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, script), ...args], { cwd: repoRoot, env: process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The count in a `name  count` row of a summary table. */
export function row(stdout: string, name: string): number {
  const match = new RegExp(`^${name}\\s+(\\d+)`, 'm').exec(stdout);
  return match ? Number(match[1]) : NaN;
}
