// Runs a command in a real pseudo-terminal with util-linux `script`, answering prompts as a
// person would: wait until the screen shows the prompt, then type.
import { spawn, spawnSync } from 'node:child_process';

export interface PtyStep {
  /** Wait until the terminal output contains this. */
  waitFor: string;
  /** Then type this (e.g. "secret\r"). */
  type: string;
}

export interface PtyResult {
  code: number | null;
  /** Everything the terminal showed (stdout and stderr of the command, and any echo). */
  screen: string;
}

/** Why `script` cannot be used here, or null. Under CI its absence is a failure, not a skip. */
export function ptyUnavailable(): string | null {
  const probe = spawnSync('script', ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? null : 'util-linux `script` is not installed (Debian package bsdutils)';
}

const quote = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;

export function runInPty(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  steps: readonly PtyStep[],
  timeoutMs = 30_000,
): Promise<PtyResult> {
  return new Promise((resolve, reject) => {
    // -q: no start/done lines; -e: exit with the command's code; -f: flush at once; /dev/null: no typescript file.
    const child = spawn('script', ['-q', '-e', '-f', '-c', argv.map(quote).join(' '), '/dev/null'], {
      env: { TERM: 'xterm', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    let next = 0;
    const advance = (): void => {
      const step = steps[next];
      if (step !== undefined && screen.includes(step.waitFor)) {
        next += 1;
        child.stdin.write(step.type);
        advance();
      }
    };
    child.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString('utf8');
      advance();
    });
    child.stderr.on('data', (chunk: Buffer) => (screen += chunk.toString('utf8')));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no end within ${timeoutMs} ms (steps done: ${next}/${steps.length}); screen so far:\n${screen}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, screen });
    });
  });
}
