// A command run in a real pseudo-terminal (util-linux `script`), so that typing Ctrl-C does what
// it does for a person at a terminal: the terminal sends SIGINT to the whole foreground process
// group — terraform and every provider process it started — not to terraform alone. Also finds
// a run's descendant processes (e.g. the provider terraform started) to kill them.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';

export const CTRL_C = '\x03';

export interface TerminalRun {
  /** Everything the terminal showed so far. */
  readonly screen: string;
  /** Pid of `script`; the command runs below it. */
  readonly pid: number;
  /** Types into the terminal, as a person would (CTRL_C for Ctrl-C). */
  type(text: string): void;
  /** Resolves once the screen satisfies `ready`; rejects after timeoutMs or when the command ends first. */
  waitFor(ready: (screen: string) => boolean, timeoutMs: number): Promise<void>;
  /** The command's exit code (script -e passes it on) and the final screen. */
  readonly exited: Promise<{ code: number | null; screen: string }>;
}

/** Why `script` cannot be used here, or null. */
export function terminalUnavailable(): string | null {
  const probe = spawnSync('script', ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? null : 'util-linux `script` is not installed (Debian package bsdutils)';
}

const quote = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;

export function runInTerminal(argv: readonly string[], options: { cwd: string; env: Record<string, string> }): TerminalRun {
  // -q: no start/done lines; -e: exit with the command's code; -f: flush at once; /dev/null: no typescript file.
  const child = spawn('script', ['-q', '-e', '-f', '-c', argv.map(quote).join(' '), '/dev/null'], {
    cwd: options.cwd,
    env: { TERM: 'xterm', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  let ended = false;
  const watchers = new Set<() => void>();
  const onOutput = (chunk: Buffer): void => {
    screen += chunk.toString('utf8');
    for (const watch of watchers) watch();
  };
  child.stdout.on('data', onOutput);
  child.stderr.on('data', onOutput);
  const exited = new Promise<{ code: number | null; screen: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      ended = true;
      for (const watch of watchers) watch();
      resolve({ code, screen });
    });
  });
  return {
    get screen() {
      return screen;
    },
    pid: child.pid ?? 0,
    type: (text) => {
      child.stdin.write(text);
    },
    waitFor: (ready, timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          watchers.delete(watch);
          reject(new Error(`the terminal did not show what was awaited within ${timeoutMs} ms; screen:\n${screen}`));
        }, timeoutMs);
        const watch = (): void => {
          if (ready(screen)) {
            clearTimeout(timer);
            watchers.delete(watch);
            resolve();
          } else if (ended) {
            clearTimeout(timer);
            watchers.delete(watch);
            reject(new Error(`the command ended before the terminal showed what was awaited; screen:\n${screen}`));
          }
        };
        watchers.add(watch);
        watch();
      }),
    exited,
  };
}

/** Pids of every live descendant of `root` whose command line contains `needle`. */
export function descendantsMatching(root: number, needle: string): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid …": comm may hold spaces and parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    queue.push(...(children.get(pid) ?? []));
    try {
      if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle)) found.push(pid);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}
