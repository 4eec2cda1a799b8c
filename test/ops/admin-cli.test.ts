// `npm run admin -- …` as an operator uses it: a real child process against DATABASE_URL (here
// the database of a running test API, so its output can be checked through HTTP), and against
// the embedded cluster of a running `npm start` or of none.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { runAdminCli } from '../../api/admin/cli';
import { readPostmasterPid } from '../../api/db/embedded-postgres-cluster';
import { isProcessAlive } from '../../api/db/embedded-postgres-os';
import { startTestApi, type TestApi } from '../support/api-server';

const repoRoot = path.resolve(__dirname, '../..');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function admin(args: string[], env: NodeJS.ProcessEnv): Promise<Result> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'api/admin/cli.ts', ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** The same entry point in this process: for argument handling, where a child adds only time. */
async function adminInProcess(args: string[], env: NodeJS.ProcessEnv): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void): Writable =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        append(chunk.toString('utf8'));
        done();
      },
    });
  const code = await runAdminCli(args, { stdout: sink((t) => (stdout += t)), stderr: sink((t) => (stderr += t)), env });
  return { code, stdout, stderr };
}

async function me(baseUrl: string, token: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${baseUrl}/api/v1/me`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('admin CLI against DATABASE_URL', () => {
  let api: TestApi;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    api = await startTestApi();
    env = { DATABASE_URL: api.databaseUrl, TESSERA_SERVER_KEY: api.serverKey.toString('hex') };
  }, 60_000);

  afterAll(async () => {
    await api?.stop();
  });

  it('create-user makes a user in a new team, printed as JSON on stdout', async () => {
    const result = await admin(
      ['create-user', '--email', 'carol@example.com', '--name', 'Carol', '--team', 'ops', '--role', 'Member'],
      env,
    );
    expect(result.code).toBe(0);
    const user = JSON.parse(result.stdout) as { email: string; teams: Array<{ name: string; role: string }> };
    expect(user).toMatchObject({ email: 'carol@example.com', teams: [{ name: 'ops', role: 'Member' }] });
  }, 60_000);

  it('create-token prints the secret, and nothing else, on stdout; the API accepts it', async () => {
    const result = await admin(['create-token', '--email', 'carol@example.com', '--days', '7', '--name', 'laptop'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^tspat_[0-9A-Za-z]{36}\n$/);
    const secret = result.stdout.trim();
    expect(result.stderr).not.toContain(secret);
    const response = await me(api.url, secret);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ email: 'carol@example.com', teams: [{ name: 'ops', role: 'Member' }] });
    const expiresAt = Date.parse((response.body.authenticated_by as { expires_at: string }).expires_at);
    expect(expiresAt - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(7 * 86_400_000);
  }, 60_000);

  it.each([
    [['create-token', '--email', 'carol@example.com', '--days', '31'], /--days must be an integer between 1 and 30/],
    [['create-token', '--email', 'carol@example.com', '--days', '1.5'], /--days must be an integer/],
    [['create-token', '--email', 'carol@example.com'], /--days is required/],
    [['create-user', '--name', 'No Email'], /--email is required/],
    [['create-user', '--email', 'x@example.com', '--name', 'X', '--role', 'Boss', '--team', 't'], /--role must be one of/],
    [['create-user', '--email', 'x@example.com', '--name', 'X', '--colour', 'blue'], /Unknown option '--colour'/],
    [['make-coffee'], /unknown command "make-coffee"/],
    [[], /usage: npm run admin/],
  ])(
    'bad usage %j exits 2 with a clear message and nothing on stdout',
    async (args, message) => {
      const result = await adminInProcess(args, env);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(result.stdout).toBe('');
    },
    60_000,
  );

  it('refuses (exit 1) a duplicate user and a token for an unknown one', async () => {
    const duplicate = await adminInProcess(['create-user', '--email', 'carol@example.com', '--name', 'Carol again'], env);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toContain('already exists');
    const unknown = await adminInProcess(['create-token', '--email', 'nobody@example.com', '--days', '1'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no user with the email nobody@example.com');
    expect(unknown.stdout).toBe('');
  }, 60_000);

  it('help prints the usage on stdout and exits 0', async () => {
    const result = await adminInProcess(['help'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('create-token --email E --days D');
  }, 60_000);

  it('exits 2 for bad usage as a real process too', async () => {
    const result = await admin(['create-token', '--email', 'carol@example.com', '--days', '0'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--days must be an integer between 1 and 30');
    expect(result.stdout).toBe('');
  }, 60_000);

  it('requires TESSERA_SERVER_KEY with DATABASE_URL', async () => {
    const result = await adminInProcess(['create-token', '--email', 'carol@example.com', '--days', '1'], { DATABASE_URL: api.databaseUrl });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('TESSERA_SERVER_KEY is required');
  }, 60_000);
});

describe('admin CLI against the embedded PostgreSQL', () => {
  let home: string;

  beforeAll(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-admin-test-'));
    fs.chmodSync(home, 0o755);
  });

  afterAll(() => {
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('connects to the cluster of a running npm start (and leaves it running)', async () => {
    const server = spawn(process.execPath, ['--import', 'tsx', 'api/main.ts'], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TESSERA_HOME: home, PORT: '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((resolve) => server.once('exit', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        createInterface({ input: server.stdout }).on('line', (line) => {
          const entry = JSON.parse(line) as { msg?: string; url?: string };
          if (entry.msg === 'Tessera API listening' && entry.url) resolve(entry.url);
        });
        void exited.then(() => reject(new Error('npm start exited')));
      });
      const env = { TESSERA_HOME: home };
      const made = await admin(['create-user', '--email', 'dan@example.com', '--name', 'Dan'], env);
      expect(made.code).toBe(0);
      expect(made.stderr).toContain('already running');
      const token = await admin(['create-token', '--email', 'dan@example.com', '--days', '2'], env);
      expect(token.code).toBe(0);
      // The running API serves the token the CLI created: same cluster, same server key.
      expect((await me(url, token.stdout.trim())).body).toMatchObject({ email: 'dan@example.com' });
    } finally {
      server.kill('SIGINT');
      await exited;
    }
  }, 120_000);

  it('starts the cluster itself when nothing runs it, and stops it afterwards', async () => {
    const result = await admin(['create-token', '--email', 'dan@example.com', '--days', '1'], { TESSERA_HOME: home });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^tspat_[0-9A-Za-z]{36}\n$/);
    expect(result.stderr).toContain('embedded (started)');
    const pidFile = readPostmasterPid(path.join(home, 'pg'));
    expect(pidFile === null || !isProcessAlive(pidFile.pid)).toBe(true);
  }, 120_000);
});
