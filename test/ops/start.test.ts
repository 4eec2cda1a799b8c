// `npm start` as a user runs it: a real child process group, the embedded PostgreSQL, the state
// folder (here a temporary TESSERA_HOME, so the developer's .tessera/ is never touched), the admin
// token file, Ctrl-C, and a second start that reuses everything.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { isProcessAlive, sleep } from '../../api/db/embedded-postgres-os';
import { readPostmasterPid } from '../../api/db/embedded-postgres-cluster';

const repoRoot = path.resolve(__dirname, '../..');

interface Started {
  child: ChildProcess;
  url: string;
  output: string[];
  exit: Promise<number | null>;
}

function baseEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  // Only what a shell would pass; in particular no DATABASE_URL from the developer's session.
  return { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', ...extra };
}

/** Runs a command in its own process group (like a terminal job) and waits for the listening line. */
async function startServer(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Started> {
  const child = spawn(command, args, { cwd: repoRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  // 'close', not 'exit': the output pipes are drained by then, so the last log lines are in.
  const exit = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening" line within 90 s:\n${output.join('\n')}`)), 90_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      const entry = parseJson(line);
      if (entry?.msg === 'Tessera API listening' && typeof entry.url === 'string') {
        clearTimeout(timer);
        resolve(entry.url);
      }
    });
    void exit.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited (${String(code)}) before listening:\n${output.join('\n')}`));
    });
  });
  return { child, url, output, exit };
}

function parseJson(line: string): Record<string, unknown> | null {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await sleep(25);
  }
  return condition();
}

async function getJson(url: string, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function mode(file: string): number {
  return fs.statSync(file).mode & 0o777;
}

describe('npm start (embedded default)', () => {
  let home: string;
  const started: Started[] = [];

  beforeAll(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-start-test-'));
    fs.chmodSync(home, 0o755); // as root, PostgreSQL's account must traverse it
  });

  afterAll(async () => {
    for (const { child } of started) if (child.pid && groupAlive(child.pid)) process.kill(-child.pid, 'SIGKILL');
    const pidFile = readPostmasterPid(path.join(home, 'pg'));
    if (pidFile && isProcessAlive(pidFile.pid)) process.kill(pidFile.pid, 'SIGINT');
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('starts PostgreSQL and the API, writes the admin token (0600), and stops both on Ctrl-C', async () => {
    const server = await startServer('npm', ['start', '--silent'], baseEnv({ TESSERA_HOME: home }));
    started.push(server);

    expect((await getJson(`${server.url}/readyz`)).status).toBe(200);
    const tokenFile = path.join(home, 'admin-token');
    expect(mode(tokenFile)).toBe(0o600);
    expect(mode(path.join(home, 'server-key'))).toBe(0o600);
    const secret = fs.readFileSync(tokenFile, 'utf8').trim();
    expect(secret).toMatch(/^tspat_[0-9A-Za-z]{36}$/);

    const me = await getJson(`${server.url}/api/v1/me`, secret);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: 'admin@tessera.localhost', teams: [expect.objectContaining({ role: 'SysAdmin' })] });

    // The log names the file, never the secret.
    expect(server.output.join('\n')).toContain(tokenFile);
    expect(server.output.join('\n')).not.toContain(secret);

    const postgres = readPostmasterPid(path.join(home, 'pg'));
    expect(postgres).not.toBeNull();
    expect(isProcessAlive(postgres?.pid ?? 0)).toBe(true);

    // Ctrl-C in a terminal signals the whole foreground process group (npm, tsx, node).
    process.kill(-(server.child.pid ?? 0), 'SIGINT');
    await server.exit;
    expect(await waitUntil(() => !groupAlive(server.child.pid ?? 0), 15_000)).toBe(true);
    expect(await waitUntil(() => !isProcessAlive(postgres?.pid ?? 0), 15_000)).toBe(true);
    expect(fs.existsSync(path.join(home, 'pg', 'postmaster.pid'))).toBe(false);
    const log = server.output.join('\n');
    expect(log).toContain('PostgreSQL stopped');
    // HTTP closes before the database: "shutting down" … "PostgreSQL stopped" … "stopped".
    expect(log.indexOf('shutting down')).toBeLessThan(log.indexOf('PostgreSQL stopped'));
  }, 180_000);

  it('reuses the cluster, key and admin on the next start, and stops on SIGTERM', async () => {
    const keyBefore = fs.readFileSync(path.join(home, 'server-key'), 'utf8');
    const secret = fs.readFileSync(path.join(home, 'admin-token'), 'utf8').trim();
    const server = await startServer(process.execPath, ['--import', 'tsx', 'api/main.ts'], baseEnv({ TESSERA_HOME: home }));
    started.push(server);

    expect(fs.readFileSync(path.join(home, 'server-key'), 'utf8')).toBe(keyBefore);
    expect(fs.readFileSync(path.join(home, 'admin-token'), 'utf8').trim()).toBe(secret);
    expect(server.output.join('\n')).not.toMatch(/initialised a new cluster|bootstrap admin created/);
    // Same data, same key: the first start's token still authenticates.
    expect((await getJson(`${server.url}/api/v1/me`, secret)).body).toMatchObject({ email: 'admin@tessera.localhost' });

    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(0);
  }, 180_000);
});

describe('npm start configuration errors', () => {
  async function runToExit(env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'api/main.ts'], {
      cwd: repoRoot,
      env: baseEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    return { code, output };
  }

  it('with DATABASE_URL but no TESSERA_SERVER_KEY, exits 1 naming the variable, without a stack trace', async () => {
    const { code, output } = await runToExit({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(code).toBe(1);
    expect(output).toContain('TESSERA_SERVER_KEY is required when DATABASE_URL is set');
    expect(output).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('with a bad PORT, exits 1 naming PORT', async () => {
    const { code, output } = await runToExit({ PORT: 'eighty', TESSERA_HOME: path.join(os.tmpdir(), 'tessera-never-created') });
    expect(code).toBe(1);
    expect(output).toMatch(/PORT: must be an integer port number/);
    expect(fs.existsSync(path.join(os.tmpdir(), 'tessera-never-created'))).toBe(false);
  }, 60_000);
});
