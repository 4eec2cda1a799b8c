// The bootstrap admin's password file and the set-password admin command, against a real database.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { createLogger } from '../../api/logger';
import { ensureAdminPassword, setPasswordCommand } from '../../api/sessions';
import { CookieClient } from './support/cookie-client';
import { startTestApi, type TestApi } from '../support/api-server';

function captured(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  return {
    stream: new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk.toString('utf8'));
        callback();
      },
    }),
    text: () => chunks.join(''),
  };
}

function stdinWith(text: string): PassThrough {
  const stream = new PassThrough();
  stream.end(text);
  return stream;
}

describe('bootstrap admin password and set-password', () => {
  let api: TestApi;
  let stateDirectory: string;

  beforeAll(async () => {
    api = await startTestApi({ webPage: true });
    stateDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-state-'));
  });
  afterAll(async () => {
    await api?.stop();
    fs.rmSync(stateDirectory, { recursive: true, force: true });
  });

  test('first start: admin@tessera.localhost gets a random password in .tessera/admin-password (0600) that signs in; the log has the path only', async () => {
    const logs = captured();
    const logger = createLogger({ destination: logs.stream });
    const result = await ensureAdminPassword({ db: api.tessera.db, clock: api.tessera.clock, logger, stateDirectory });
    expect(result).toEqual({ status: 'created', file: path.join(stateDirectory, 'admin-password') });
    const file = path.join(stateDirectory, 'admin-password');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const password = fs.readFileSync(file, 'utf8').trim();
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(logs.text()).toContain(file);
    expect(logs.text()).not.toContain(password);

    const client = new CookieClient(api.url);
    const session = await client.signIn('admin@tessera.localhost', password);
    expect(session['user']).toMatchObject({ email: 'admin@tessera.localhost' });
    const me = await client.request('GET', '/api/v1/me');
    expect(me.json['teams']).toEqual([expect.objectContaining({ role: 'SysAdmin' })]);

    // Later starts keep the password (and the file) as they are.
    const again = await ensureAdminPassword({ db: api.tessera.db, clock: api.tessera.clock, logger, stateDirectory });
    expect(again).toEqual({ status: 'kept' });
    expect(fs.readFileSync(file, 'utf8').trim()).toBe(password);
  });

  test('set-password reads the password from standard input, replaces the old one and ends existing sessions', async () => {
    const user = await api.createUser({ role: 'Member' });
    const before = new CookieClient(api.url);
    await before.signIn(user.email, user.password);

    const stdout = captured();
    const stderr = captured();
    const code = await setPasswordCommand(['--email', user.email.toUpperCase()], {
      db: api.tessera.db,
      clock: api.tessera.clock,
      io: { stdin: stdinWith('a brand new passphrase\n'), stdout: stdout.stream, stderr: stderr.stream },
    });
    expect(code).toBe(0);
    expect(stdout.text()).toBe('');
    expect(stderr.text()).toBe(`Password set for ${user.email}; 1 session(s) ended.\n`);

    expect((await before.request('GET', '/api/v1/me')).status).toBe(401);
    const oldPassword = await new CookieClient(api.url).request('POST', '/api/v1/sessions', {
      body: { email: user.email, password: user.password },
    });
    expect(oldPassword.status).toBe(401);
    await new CookieClient(api.url).signIn(user.email, 'a brand new passphrase');
  });

  test('set-password --generate prints a new random password once', async () => {
    const user = await api.createUser({ role: 'Member', password: null });
    const stdout = captured();
    const stderr = captured();
    const code = await setPasswordCommand(['--email', user.email, '--generate'], {
      db: api.tessera.db,
      clock: api.tessera.clock,
      io: { stdin: stdinWith(''), stdout: stdout.stream, stderr: stderr.stream },
    });
    expect(code).toBe(0);
    const password = stdout.text().trim();
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    await new CookieClient(api.url).signIn(user.email, password);
  });

  test.each([
    { argv: [], stdin: '', code: 2, message: /--email is required/ },
    { argv: ['--email'], stdin: '', code: 2, message: /--email/ },
    { argv: ['--email', 'x@example.test', '--pasword'], stdin: '', code: 2, message: /Unknown option '--pasword'/ },
    {
      argv: ['--email', 'nobody@example.test'],
      stdin: 'long enough password\n',
      code: 1,
      message: /no user has the email nobody@example.test/,
    },
  ])('set-password refuses $argv with exit code $code and a clear message', async ({ argv, stdin, code, message }) => {
    const stderr = captured();
    const result = await setPasswordCommand(argv, {
      db: api.tessera.db,
      clock: api.tessera.clock,
      io: { stdin: stdinWith(stdin), stdout: captured().stream, stderr: stderr.stream },
    });
    expect(result).toBe(code);
    expect(stderr.text()).toMatch(message);
  });

  test('set-password refuses a short password and leaves the old one working', async () => {
    const user = await api.createUser({ role: 'Member' });
    const stderr = captured();
    const code = await setPasswordCommand(['--email', user.email], {
      db: api.tessera.db,
      clock: api.tessera.clock,
      io: { stdin: stdinWith('short\n'), stdout: captured().stream, stderr: stderr.stream },
    });
    expect(code).toBe(1);
    expect(stderr.text()).toBe('set-password: the password must be at least 12 characters\n');
    await new CookieClient(api.url).signIn(user.email, user.password);
  });
});
