// Roles evaluated on every request, deactivation, SysAdmin powers, service accounts and the
// collector handshake, and the audit trail they leave.
import { ManualClock } from '../../api/clock';
import { startTestApi, type TestApi } from '../support/api-server';

let fixture: TestApi<ManualClock>;

beforeAll(async () => {
  fixture = await startTestApi({ clock: new ManualClock(new Date('2026-01-15T10:00:00.000Z')) });
});

afterAll(async () => {
  await fixture?.stop();
});

const api = () => fixture;

describe('roles and permissions', () => {
  it('gives a Member read access to users and teams but no writes', async () => {
    const member = await fixture.createUserWithToken({ role: 'Member' });
    expect((await api().request('GET', '/api/v1/users', { token: member.token })).status).toBe(200);
    expect((await api().request('GET', '/api/v1/teams', { token: member.token })).status).toBe(200);
    expect((await api().request('GET', `/api/v1/users/${member.id}`, { token: member.token })).status).toBe(200);
    const create = await api().request('POST', '/api/v1/users', { token: member.token, body: { email: 'x@example.test', name: 'X' } });
    expect(create.status).toBe(403);
    expect((await api().request('POST', '/api/v1/teams', { token: member.token, body: { name: 'mine', role: 'SysAdmin' } })).status).toBe(
      403,
    );
    expect((await api().request('GET', '/api/v1/audit-events', { token: member.token })).status).toBe(403);
    expect((await api().request('GET', '/api/v1/service-accounts', { token: member.token })).status).toBe(403);
    // Any user may create their own tokens, no role needed.
    const own = await api().request('POST', '/api/v1/personal-access-tokens', {
      token: member.token,
      body: { name: 'own', expiration_days: 1 },
    });
    expect(own.status).toBe(201);
  });

  it('lets a user without any team manage only their own tokens and read only themselves', async () => {
    const loner = await fixture.createUserWithToken();
    const other = await fixture.createUserWithToken();
    expect((await api().request('GET', `/api/v1/users/${loner.id}`, { token: loner.token })).status).toBe(200);
    // Another user is an object the caller may not see: 404, not 403.
    expect((await api().request('GET', `/api/v1/users/${other.id}`, { token: loner.token })).status).toBe(404);
    expect((await api().request('GET', '/api/v1/users', { token: loner.token })).status).toBe(403);
    expect(
      (await api().request('POST', '/api/v1/personal-access-tokens', { token: loner.token, body: { name: 'a', expiration_days: 2 } }))
        .status,
    ).toBe(201);
  });

  it('takes SysAdmin away from an existing token on the very next request when the membership goes', async () => {
    const admin = await fixture.createUserWithToken({ role: 'SysAdmin' });
    expect((await api().request('GET', '/api/v1/audit-events', { token: admin.token })).status).toBe(200);
    const removed = await api().request('DELETE', `/api/v1/teams/${admin.teamId}/members/${admin.id}`, { token: fixture.adminToken });
    expect(removed.status).toBe(204);
    expect((await api().request('GET', '/api/v1/audit-events', { token: admin.token })).status).toBe(403);
    const me = await api().request('GET', '/api/v1/me', { token: admin.token });
    expect(me.json['teams']).toEqual([]);
  });

  it('applies a team role change to existing tokens on the very next request', async () => {
    const user = await fixture.createUserWithToken({ role: 'SysAdmin' });
    expect((await api().request('GET', '/api/v1/service-accounts', { token: user.token })).status).toBe(200);
    const changed = await api().request('PATCH', `/api/v1/teams/${user.teamId}`, { token: fixture.adminToken, body: { role: 'ReadOnly' } });
    expect(changed.status).toBe(200);
    expect(changed.json['role']).toBe('ReadOnly');
    expect((await api().request('GET', '/api/v1/service-accounts', { token: user.token })).status).toBe(403);
    expect((await api().request('GET', '/api/v1/users', { token: user.token })).status).toBe(200);
  });

  it("kills every token of a deactivated user at once, and a SysAdmin can revoke anyone's token", async () => {
    const user = await fixture.createUserWithToken();
    const second = await api().request('POST', '/api/v1/personal-access-tokens', {
      token: user.token,
      body: { name: 'two', expiration_days: 2 },
    });
    expect((await api().request('GET', '/api/v1/me', { token: second.json['token'] as string })).status).toBe(200);
    const off = await api().request('PATCH', `/api/v1/users/${user.id}`, { token: fixture.adminToken, body: { active: false } });
    expect(off.status).toBe(200);
    expect(off.json['active']).toBe(false);
    expect((await api().request('GET', '/api/v1/me', { token: user.token })).status).toBe(401);
    expect((await api().request('GET', '/api/v1/me', { token: second.json['token'] as string })).status).toBe(401);

    const victim = await fixture.createUserWithToken();
    const revoked = await api().request('DELETE', `/api/v1/personal-access-tokens/${victim.tokenId}`, { token: fixture.adminToken });
    expect(revoked.status).toBe(204);
    expect((await api().request('GET', '/api/v1/me', { token: victim.token })).status).toBe(401);
  });

  it("lets a SysAdmin list and revoke all of one user's tokens", async () => {
    const user = await fixture.createUserWithToken();
    await api().request('POST', '/api/v1/personal-access-tokens', { token: user.token, body: { name: 'b', expiration_days: 3 } });
    const list = await api().request('GET', `/api/v1/users/${user.id}/personal-access-tokens`, { token: fixture.adminToken });
    expect(list.status).toBe(200);
    expect((list.json['personal_access_tokens'] as unknown[]).length).toBe(2);
    const member = await fixture.createUserWithToken({ role: 'Member' });
    expect((await api().request('GET', `/api/v1/users/${user.id}/personal-access-tokens`, { token: member.token })).status).toBe(403);
    expect((await api().request('DELETE', `/api/v1/users/${user.id}/personal-access-tokens`, { token: member.token })).status).toBe(403);
    const all = await api().request('DELETE', `/api/v1/users/${user.id}/personal-access-tokens`, { token: fixture.adminToken });
    expect(all.json).toEqual({ revoked_count: 2 });
    expect((await api().request('GET', '/api/v1/me', { token: user.token })).status).toBe(401);
    expect(
      (
        await api().request('GET', `/api/v1/users/00000000-0000-4000-8000-000000000000/personal-access-tokens`, {
          token: fixture.adminToken,
        })
      ).status,
    ).toBe(404);
  });

  it('manages users and teams with clear conflicts', async () => {
    const created = await api().request('POST', '/api/v1/users', {
      token: fixture.adminToken,
      body: { email: 'Carol@Example.test', name: 'Carol' },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ email: 'carol@example.test', name: 'Carol', active: true, teams: [] });
    const duplicate = await api().request('POST', '/api/v1/users', {
      token: fixture.adminToken,
      body: { email: 'carol@example.TEST', name: 'Carol 2' },
    });
    expect(duplicate.status).toBe(409);
    const badEmail = await api().request('POST', '/api/v1/users', { token: fixture.adminToken, body: { email: 'not-an-email', name: '' } });
    expect(badEmail.status).toBe(422);
    expect((badEmail.json['errors'] as Array<{ field: string }>).map((e) => e.field).sort()).toEqual(['email', 'name']);
    const team = await api().request('POST', '/api/v1/teams', { token: fixture.adminToken, body: { name: 'Ops', role: 'Member' } });
    expect(team.status).toBe(201);
    const badRole = await api().request('POST', '/api/v1/teams', { token: fixture.adminToken, body: { name: 'Other', role: 'Owner' } });
    expect(badRole.status).toBe(422);
    expect(badRole.json['errors']).toEqual([{ field: 'role', message: expect.any(String) }]);
    expect(
      (await api().request('PUT', `/api/v1/teams/${team.json['id']}/members/${created.json['id']}`, { token: fixture.adminToken })).status,
    ).toBe(204);
    const detail = await api().request('GET', `/api/v1/teams/${team.json['id']}`, { token: fixture.adminToken });
    expect(detail.json['members']).toEqual([expect.objectContaining({ id: created.json['id'], email: 'carol@example.test' })]);
    const user = await api().request('GET', `/api/v1/users/${created.json['id']}`, { token: fixture.adminToken });
    expect(user.json['teams']).toEqual([{ id: team.json['id'], name: 'Ops', role: 'Member' }]);
    expect((await api().request('PATCH', `/api/v1/users/${created.json['id']}`, { token: fixture.adminToken, body: {} })).status).toBe(422);
    const selfDeactivate = await api().request('GET', '/api/v1/me', { token: fixture.adminToken });
    expect(
      (await api().request('PATCH', `/api/v1/users/${selfDeactivate.json['id']}`, { token: fixture.adminToken, body: { active: false } }))
        .status,
    ).toBe(409);
  });
});

describe('service accounts and the collector handshake', () => {
  it('refuses a personal token with 403 naming service accounts, accepts a service-account token', async () => {
    const personal = await api().request('POST', '/api/v1/collector/handshake', { token: fixture.adminToken });
    expect(personal.status).toBe(403);
    expect(personal.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(personal.json['detail']).toMatch(/service account/i);

    const created = await api().request('POST', '/api/v1/service-accounts', { token: fixture.adminToken, body: { name: 'collector-eu' } });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({
      id: expect.any(String),
      name: 'collector-eu',
      token: expect.stringMatching(/^tssvc_[0-9A-Za-z]{36}$/),
      token_hint: expect.stringMatching(/^tssvc_…/),
      created_at: expect.stringMatching(/Z$/),
      expires_at: null,
      team_ids: [],
    });
    const token = created.json['token'] as string;
    const handshake = await api().request('POST', '/api/v1/collector/handshake', { token, body: { version: '1.2.3' } });
    expect(handshake.status).toBe(200);
    expect(handshake.json).toEqual({ service_account: { id: created.json['id'], name: 'collector-eu' } });
    const me = await api().request('GET', '/api/v1/me', { token });
    expect(me.json['authenticated_by']).toMatchObject({ type: 'service_account', expires_at: null });
    // A service account manages nothing and owns no personal tokens.
    expect((await api().request('GET', '/api/v1/personal-access-tokens', { token })).status).toBe(403);
    expect((await api().request('GET', '/api/v1/users', { token })).status).toBe(403);

    const shown = await api().request('GET', `/api/v1/service-accounts/${created.json['id']}`, { token: fixture.adminToken });
    expect(shown.json).toMatchObject({ id: created.json['id'], name: 'collector-eu', token_hint: created.json['token_hint'] });
    expect(shown.json).not.toHaveProperty('token');
    const list = await api().request('GET', '/api/v1/service-accounts', { token: fixture.adminToken });
    expect((list.json['service_accounts'] as Array<{ id: string }>).map((a) => a.id)).toContain(created.json['id']);

    expect((await api().request('DELETE', `/api/v1/service-accounts/${created.json['id']}`, { token: fixture.adminToken })).status).toBe(
      204,
    );
    expect((await api().request('POST', '/api/v1/collector/handshake', { token })).status).toBe(401);
    expect((await api().request('GET', `/api/v1/service-accounts/${created.json['id']}`, { token: fixture.adminToken })).status).toBe(404);
  });

  it('gives a service account with expiration_days an exact expiry, and only SysAdmins create them', async () => {
    const created = await api().request('POST', '/api/v1/service-accounts', {
      token: fixture.adminToken,
      body: { name: 'short', expiration_days: 2 },
    });
    expect(created.json['expires_at']).toBe(new Date(api().clock.now().getTime() + 2 * 86_400_000).toISOString());
    const bad = await api().request('POST', '/api/v1/service-accounts', {
      token: fixture.adminToken,
      body: { name: 'bad', expiration_days: 0 },
    });
    expect(bad.status).toBe(422);
    const member = await fixture.createUserWithToken({ role: 'Member' });
    expect((await api().request('POST', '/api/v1/service-accounts', { token: member.token, body: { name: 'x' } })).status).toBe(403);
  });
});

describe('audit trail', () => {
  it('records creates, revocations, revoke-all, deactivation and role changes with actor and token', async () => {
    const admin = await api().request('GET', '/api/v1/me', { token: fixture.adminToken });
    const user = await fixture.createUserWithToken({ role: 'Member' });
    const created = await api().request('POST', '/api/v1/personal-access-tokens', {
      token: user.token,
      body: { name: 'audited', expiration_days: 1 },
    });
    await api().request('DELETE', `/api/v1/personal-access-tokens/${created.json['id']}`, { token: user.token });
    await api().request('DELETE', '/api/v1/personal-access-tokens', { token: user.token });
    await api().request('PATCH', `/api/v1/teams/${user.teamId}`, { token: fixture.adminToken, body: { role: 'ReadOnly' } });
    await api().request('PATCH', `/api/v1/users/${user.id}`, { token: fixture.adminToken, body: { active: false } });
    // Failed authentications from earlier tests are audited in batches off the request path;
    // write them now so none lands between the full list and the paginated reads below.
    await api().tessera.flush();

    const events = await api().request('GET', '/api/v1/audit-events?page_size=200', { token: fixture.adminToken });
    expect(events.status).toBe(200);
    const list = events.json['audit_events'] as Array<Record<string, unknown>>;
    const find = (action: string, targetId: unknown) => list.find((e) => e['action'] === action && e['target_id'] === targetId);
    expect(find('personal_access_token.created', created.json['id'])).toMatchObject({
      actor_user_id: user.id,
      token_id: user.tokenId,
      outcome: 'success',
      occurred_at: expect.stringMatching(/Z$/),
    });
    expect(find('personal_access_token.revoked', created.json['id'])).toMatchObject({ actor_user_id: user.id, token_id: user.tokenId });
    expect(find('personal_access_token.revoked_all', user.id)).toMatchObject({
      actor_user_id: user.id,
      details: expect.objectContaining({ revoked_count: 1 }),
    });
    expect(find('team.role_changed', user.teamId)).toMatchObject({
      actor_user_id: admin.json['id'],
      details: { from: 'Member', to: 'ReadOnly' },
    });
    expect(find('user.deactivated', user.id)).toMatchObject({
      actor_user_id: admin.json['id'],
      token_id: admin.json['authenticated_by'] && (admin.json['authenticated_by'] as { token_id: string }).token_id,
    });
    expect(find('team.member_added', user.teamId)).toBeDefined();
    // Newest first, paginated.
    const ids = list.map((e) => Number(e['id']));
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    const firstPage = await api().request('GET', '/api/v1/audit-events?page_size=2', { token: fixture.adminToken });
    const next = await api().request('GET', `/api/v1/audit-events?page_size=2&page_token=${firstPage.json['next_page_token']}`, {
      token: fixture.adminToken,
    });
    expect((next.json['audit_events'] as Array<{ id: string }>)[0]?.id).toBe(list[2]?.['id']);
  });
});
