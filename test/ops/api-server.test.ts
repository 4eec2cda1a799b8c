// The shared end-to-end helper: a real API (in this process or as a child process) on a fresh
// database, its bootstrap SysAdmin token, and users made on demand.
import { Client } from 'pg';
import { startTestApi, type TestApi } from '../support/api-server';

async function me(api: TestApi, token: string): Promise<{ status: number; body: { email?: string; teams?: Array<{ role: string }> } }> {
  const response = await fetch(`${api.url}/api/v1/me`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as { email?: string; teams?: Array<{ role: string }> } };
}

describe.each(['in-process', 'process'] as const)('startTestApi (%s)', (mode) => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({ mode });
  }, 90_000);

  afterAll(async () => {
    await api?.stop();
  });

  it('serves the API with a working SysAdmin token for admin@localhost', async () => {
    expect(api.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const { status, body } = await me(api, api.adminToken);
    expect(status).toBe(200);
    expect(body.email).toBe('admin@localhost');
    expect(body.teams?.map((team) => team.role)).toContain('SysAdmin');
  });

  it('creates users with their own tokens, in a team when asked', async () => {
    const member = await api.createUserWithToken({ team: `team-${mode}`, role: 'Member' });
    const loner = await api.createUserWithToken();
    expect(member.email).not.toBe(loner.email);
    expect((await me(api, member.token)).body.teams?.map((t) => t.role)).toEqual(['Member']);
    expect((await me(api, loner.token)).body).toMatchObject({ email: loner.email, teams: [] });
  });

  it('rejects an unknown token with 401', async () => {
    expect((await me(api, `tspat_${'0'.repeat(36)}`)).status).toBe(401);
  });
});

it('stop() ends the server and drops its database', async () => {
  const api = await startTestApi();
  await api.stop();
  await expect(fetch(`${api.url}/healthz`)).rejects.toThrow();
  const client = new Client({ connectionString: api.databaseUrl });
  client.on('error', () => undefined);
  await expect(client.connect()).rejects.toMatchObject({ code: '3D000' }); // database does not exist
});
