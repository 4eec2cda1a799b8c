// The shared test fixture (test/support/api-server.ts) itself: a real API in this process or as
// its own OS process, on a fresh database, with its bootstrap SysAdmin token, users made on
// demand, captured logs, more instances on the same database, and a clean stop.
import { Client } from 'pg';
import { ManualClock } from '../../api/clock';
import { startTestApi, type ApiInstance, type TestApi } from '../support/api-server';

type Me = { email?: string; teams?: Array<{ role: string }> };

async function me(api: ApiInstance, token: string): Promise<{ status: number; body: Me }> {
  const response = await api.request('GET', '/api/v1/me', { token });
  return { status: response.status, body: response.json as Me };
}

type LogEntry = { level?: number; msg?: string; req?: { method?: string; path?: string }; status?: number };

/** A child's log lines arrive asynchronously: waits up to 10 s for one that matches. */
async function logEntry(api: ApiInstance, matches: (entry: LogEntry) => boolean): Promise<LogEntry | undefined> {
  for (let waited = 0; waited < 10_000; waited += 50) {
    const entry = api.logs.map((line) => JSON.parse(line) as LogEntry).find(matches);
    if (entry !== undefined) return entry;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return undefined;
}

describe.each(['in-process', 'process'] as const)('startTestApi (%s)', (mode) => {
  let api: TestApi;

  beforeAll(async () => {
    // A 'process' API always has the web page (api/main.ts mounts it); ask for it in-process too.
    api = await startTestApi(mode === 'process' ? { mode } : { webPage: true });
  }, 90_000);

  afterAll(async () => {
    await api?.stop();
  });

  it('serves the API with a working SysAdmin token for admin@tessera.localhost', async () => {
    expect(api.mode).toBe(mode);
    expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const { status, body } = await me(api, api.adminToken);
    expect(status).toBe(200);
    expect(body.email).toBe('admin@tessera.localhost');
    expect(body.teams?.map((team) => team.role)).toContain('SysAdmin');
  });

  it('creates users with their own tokens, in a team when asked, visible in SQL', async () => {
    const member = await api.createUserWithToken({ team: `team-${mode}`, role: 'Member' });
    const loner = await api.createUserWithToken();
    const reader = await api.createUserWithToken({ role: 'ReadOnly' });
    expect(member.email).not.toBe(loner.email);
    expect((await me(api, member.token)).body.teams?.map((t) => t.role)).toEqual(['Member']);
    expect((await me(api, loner.token)).body).toMatchObject({ email: loner.email, teams: [] });
    expect(loner.teamId).toBeNull();
    expect((await me(api, reader.token)).body.teams?.map((t) => t.role)).toEqual(['ReadOnly']);
    const [row] = await api.sql<{ name: string }>(
      'SELECT t.name FROM teams t JOIN team_members m ON m.team_id = t.id WHERE m.user_id = $1',
      [member.id],
    );
    expect(row?.name).toBe(`team-${mode}`);
  });

  it('creates users with a password that signs in on the web page', async () => {
    const person = await api.createUser({ role: 'Member' });
    const signIn = await api.request('POST', '/api/v1/sessions', { body: { email: person.email, password: person.password } });
    expect(signIn.status).toBe(201);
    const wrong = await api.request('POST', '/api/v1/sessions', { body: { email: person.email, password: `${person.password}x` } });
    expect(wrong.status).toBe(401);
  });

  it('rejects an unknown token with 401', async () => {
    expect((await me(api, `tspat_${'0'.repeat(36)}`)).status).toBe(401);
  });

  it('keeps the log lines the API writes (at debug by default)', async () => {
    await api.request('GET', '/api/v1/token-policy?from=log-test');
    const entry = await logEntry(api, (e) => e.msg === 'request' && e.req?.path === '/api/v1/token-policy');
    expect(entry).toMatchObject({ level: 20, req: { method: 'GET' }, status: 200 });
  });

  it('starts another instance, of the other mode, on the same database and key', async () => {
    const otherMode = mode === 'process' ? 'in-process' : 'process';
    const other = await api.startAnotherInstance({ mode: otherMode });
    try {
      expect(other.mode).toBe(otherMode);
      expect(other.url).not.toBe(api.url);
      const user = await api.createUserWithToken({ role: 'Member' });
      expect((await me(other, user.token)).status).toBe(200);
      // A revocation through one is seen by the other (they share the database).
      expect((await other.request('DELETE', `/api/v1/personal-access-tokens/${user.tokenId}`, { token: user.token })).status).toBe(204);
      expect((await me(api, user.token)).status).toBe(401);
      // A process instance can be killed, as an operator's crash would; stop() still returns.
      expect(other.child !== undefined).toBe(otherMode === 'process');
      if (other.child) {
        other.child.kill('SIGKILL');
        await new Promise((resolve) => other.child?.once('exit', resolve));
        await expect(fetch(`${other.url}/healthz`)).rejects.toThrow();
      }
    } finally {
      await other.stop();
    }
  }, 90_000);
});

it('runs on a ManualClock and restarts with changed settings on the same address', async () => {
  const clock = new ManualClock(new Date('2026-05-01T12:00:00.000Z'));
  const api = await startTestApi({ clock, patMaxDays: 7 });
  try {
    const user = await api.createUserWithToken({ days: 1 });
    expect((await me(api, user.token)).status).toBe(200);
    api.clock.advance(24 * 60 * 60 * 1000);
    expect((await me(api, user.token)).status).toBe(401);
    expect((await api.request('GET', '/api/v1/token-policy')).json).toMatchObject({ personal_access_token: { max_expiration_days: 7 } });
    const url = api.url;
    await api.restart({ patMaxDays: 3 });
    expect(api.url).toBe(url);
    expect((await api.request('GET', '/api/v1/token-policy')).json).toMatchObject({ personal_access_token: { max_expiration_days: 3 } });
    expect(api.tessera.clock.now()).toEqual(clock.now());
  } finally {
    await api.stop();
  }
});

it('refuses what it cannot do, in words', async () => {
  await expect(startTestApi({ mode: 'process', clock: new ManualClock() })).rejects.toThrow(/clock: in-process only/);
  const empty = await startTestApi({ bootstrapAdmin: false });
  try {
    expect(() => empty.adminToken).toThrow(/bootstrapAdmin: false/);
    expect(() => empty.sessions).toThrow(/webPage: true/);
    expect(await empty.sql('SELECT id FROM users')).toEqual([]);
  } finally {
    await empty.stop();
  }
});

it('stop() ends every instance and drops the database', async () => {
  const api = await startTestApi();
  const other = await api.startAnotherInstance();
  await api.stop();
  await expect(fetch(`${api.url}/healthz`)).rejects.toThrow();
  await expect(fetch(`${other.url}/healthz`)).rejects.toThrow();
  const client = new Client({ connectionString: api.databaseUrl });
  client.on('error', () => undefined);
  await expect(client.connect()).rejects.toMatchObject({ code: '3D000' }); // database does not exist
});
