// Sessions end at deactivation, the last SysAdmin cannot be taken away, the two token headers have
// one documented precedence, and a request stuck behind a database lock answers 503 in bounded time.
import { Client } from 'pg';
import { startTestApi, type TestApi } from '../support/api-server';
import { CookieClient } from '../web/support/cookie-client';

const LOCK_TIMEOUT_MS = 500;

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ webPage: true, databaseTimeouts: { lockMs: LOCK_TIMEOUT_MS } });
});

afterAll(async () => {
  await api?.stop();
});

async function adminTeamId(): Promise<string> {
  const me = await api.request('GET', '/api/v1/me', { token: api.adminToken });
  const teams = me.json['teams'] as Array<{ id: string; role: string }>;
  const team = teams.find((t) => t.role === 'SysAdmin');
  if (!team) throw new Error(`the bootstrap admin has no SysAdmin team: ${me.text}`);
  return team.id;
}

function expectLastSysAdminConflict(response: { status: number; headers: Headers; json: Record<string, unknown> }): void {
  expect(response.status).toBe(409);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.json['type']).toBe('urn:tessera:problem:last-sysadmin');
  expect(String(response.json['detail'])).toMatch(/no active user with the SysAdmin role/);
}

describe('deactivation ends web sessions', () => {
  it('refuses the old session cookie after deactivation and reactivation; signing in again works', async () => {
    const bob = await api.createUser({ role: 'Member' });
    const browser = new CookieClient(api.url);
    await browser.signIn(bob.email, bob.password);
    expect((await browser.request('GET', '/api/v1/me')).status).toBe(200);

    const off = await api.request('PATCH', `/api/v1/users/${bob.id}`, { token: api.adminToken, body: { active: false } });
    expect(off.status).toBe(200);
    expect((await browser.request('GET', '/api/v1/me')).status).toBe(401);
    const on = await api.request('PATCH', `/api/v1/users/${bob.id}`, { token: api.adminToken, body: { active: true } });
    expect(on.status).toBe(200);
    expect((await browser.request('GET', '/api/v1/me')).status).toBe(401);

    const again = new CookieClient(api.url);
    await again.signIn(bob.email, bob.password);
    expect((await again.request('GET', '/api/v1/me')).status).toBe(200);
  });
});

describe('the last SysAdmin', () => {
  it('cannot be removed by demoting or deleting its team or removing its member; renaming is fine', async () => {
    const teamId = await adminTeamId();
    const admin = await api.request('GET', '/api/v1/me', { token: api.adminToken });
    const adminId = admin.json['id'] as string;
    expectLastSysAdminConflict(await api.request('PATCH', `/api/v1/teams/${teamId}`, { token: api.adminToken, body: { role: 'Member' } }));
    expectLastSysAdminConflict(await api.request('DELETE', `/api/v1/teams/${teamId}`, { token: api.adminToken }));
    expectLastSysAdminConflict(await api.request('DELETE', `/api/v1/teams/${teamId}/members/${adminId}`, { token: api.adminToken }));
    const renamed = await api.request('PATCH', `/api/v1/teams/${teamId}`, { token: api.adminToken, body: { name: 'platform-admins' } });
    expect(renamed.status).toBe(200);
    expect(renamed.json['role']).toBe('SysAdmin');
    // Nothing was changed by the refused requests.
    expect((await api.request('GET', '/api/v1/audit-events', { token: api.adminToken })).status).toBe(200);
  });

  it('does not count a deactivated user as a remaining SysAdmin', async () => {
    const teamId = await adminTeamId();
    const dormant = await api.createUserWithToken({ role: 'SysAdmin' });
    expect((await api.request('PATCH', `/api/v1/users/${dormant.id}`, { token: api.adminToken, body: { active: false } })).status).toBe(
      200,
    );
    expectLastSysAdminConflict(
      await api.request('PATCH', `/api/v1/teams/${teamId}`, { token: api.adminToken, body: { role: 'ReadOnly' } }),
    );
  });

  it('lets exactly one of two concurrent demotions of the last two SysAdmin teams pass', async () => {
    const teamId = await adminTeamId();
    const other = await api.createUserWithToken({ role: 'SysAdmin' });
    const [a, b] = await Promise.all([
      api.request('PATCH', `/api/v1/teams/${teamId}`, { token: api.adminToken, body: { role: 'Member' } }),
      api.request('PATCH', `/api/v1/teams/${other.teamId}`, { token: api.adminToken, body: { role: 'Member' } }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expectLastSysAdminConflict(a.status === 409 ? a : b);
    // Put it back with whichever token still holds SysAdmin.
    const restorer = a.status === 200 ? other.token : api.adminToken;
    const demoted = a.status === 200 ? teamId : other.teamId;
    expect((await api.request('PATCH', `/api/v1/teams/${demoted}`, { token: restorer, body: { role: 'SysAdmin' } })).status).toBe(200);
    // With two SysAdmins again, one of them may go.
    expect((await api.request('PATCH', `/api/v1/teams/${other.teamId}`, { token: api.adminToken, body: { role: 'Member' } })).status).toBe(
      200,
    );
  });
});

describe('Authorization and API-Token precedence', () => {
  it('treats an empty Authorization as absent, accepts matching headers and refuses two different credentials', async () => {
    const alice = await api.createUserWithToken();
    const bob = await api.createUserWithToken();
    const me = (headers: Record<string, string>) => api.request('GET', '/api/v1/me', { headers });

    const emptyAuthorization = await me({ authorization: '', 'api-token': alice.token });
    expect(emptyAuthorization.status).toBe(200);
    expect(emptyAuthorization.json['id']).toBe(alice.id);
    expect((await me({ authorization: `Bearer ${alice.token}`, 'api-token': '' })).status).toBe(200);
    expect((await me({ authorization: `Bearer ${alice.token}`, 'api-token': alice.token })).status).toBe(200);

    const conflicting = await me({ authorization: `Bearer ${alice.token}`, 'api-token': bob.token });
    expect(conflicting.status).toBe(401);
    expect(conflicting.headers.get('www-authenticate')).toMatch(/^Bearer/);
    // Both empty: no credential at all.
    expect((await me({ authorization: '', 'api-token': '' })).status).toBe(401);
  });
});

describe('a request stuck behind a database lock', () => {
  it('answers 503 problem+json with Retry-After within the lock timeout, then works once the lock is gone', async () => {
    const carol = await api.createUserWithToken();
    const holder = new Client({ connectionString: api.databaseUrl, application_name: 'tessera-test-lock-holder' });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [carol.id]);
      const started = Date.now();
      // Bounded by the client too, so today's hang fails this test instead of the suite.
      const response = await fetch(`${api.url}/api/v1/users/${carol.id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${api.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Carol Locked' }),
        signal: AbortSignal.timeout(10_000),
      });
      const elapsed = Date.now() - started;
      expect(response.status).toBe(503);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(elapsed).toBeGreaterThanOrEqual(LOCK_TIMEOUT_MS - 50);
      expect(elapsed).toBeLessThan(LOCK_TIMEOUT_MS + 2_500);
      const body = (await response.json()) as Record<string, unknown>;
      expect(body['status']).toBe(503);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    const after = await api.request('PATCH', `/api/v1/users/${carol.id}`, { token: api.adminToken, body: { name: 'Carol Free' } });
    expect(after.status).toBe(200);
    expect(after.json['name']).toBe('Carol Free');
  });
});
