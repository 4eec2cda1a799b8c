// Personal access tokens over real HTTP on a real database: create, use, list, show, revoke,
// revoke all, expiry at expires_at, validation and visibility.
import { DAY_MS } from '../../api/tokens/policy';
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

async function createToken(token: string, body: unknown = { name: 'ci', expiration_days: 30 }) {
  return api().request('POST', '/api/v1/personal-access-tokens', { token, body });
}

describe('personal access tokens', () => {
  it('creates a token whose secret works at once and whose expiry is exactly N × 24 h', async () => {
    const created = await createToken(fixture.adminToken, { name: '  deploy bot  ', expiration_days: 7 });
    expect(created.status).toBe(201);
    const body = created.json;
    expect(body).toEqual({
      id: expect.any(String),
      name: 'deploy bot',
      token: expect.stringMatching(/^tspat_[0-9A-Za-z]{36}$/),
      token_hint: `tspat_…${(body['token'] as string).slice(-4)}`,
      expiration_days: 7,
      created_at: api().clock.now().toISOString(),
      expires_at: new Date(api().clock.now().getTime() + 7 * DAY_MS).toISOString(),
      created_via: null,
      client_reference: null,
    });
    expect(body['created_at']).toMatch(/Z$/);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const me = await api().request('GET', '/api/v1/me', { token: body['token'] as string });
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({
      email: 'admin@tessera.localhost',
      teams: [expect.objectContaining({ name: 'SysAdmin', role: 'SysAdmin' })],
      authenticated_by: { type: 'personal_access_token', token_id: body['id'], expires_at: body['expires_at'] },
    });
  });

  it('accepts the token in an API-Token header too', async () => {
    const me = await api().request('GET', '/api/v1/me', { headers: { 'api-token': fixture.adminToken } });
    expect(me.status).toBe(200);
  });

  it('accepts 30 days and refuses 31, 0, 1.5 and "7" with a 422 naming expiration_days', async () => {
    expect((await createToken(fixture.adminToken, { name: 'thirty', expiration_days: 30 })).status).toBe(201);
    for (const bad of [31, 0, 1.5, '7', -1, null]) {
      const response = await createToken(fixture.adminToken, { name: 'bad', expiration_days: bad });
      expect(response.status).toBe(422);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.json).toMatchObject({ status: 422, type: expect.any(String), title: expect.any(String), detail: expect.any(String) });
      expect(response.json['errors']).toEqual([{ field: 'expiration_days', message: expect.any(String) }]);
    }
  });

  it('names every bad field at once', async () => {
    const response = await createToken(fixture.adminToken, { name: ' \t ', expiration_days: 99, colour: 'red' });
    expect(response.status).toBe(422);
    const fields = (response.json['errors'] as Array<{ field: string }>).map((e) => e.field).sort();
    expect(fields).toEqual(['colour', 'expiration_days', 'name']);
  });

  it('refuses names that are too long or contain control characters', async () => {
    expect((await createToken(fixture.adminToken, { name: 'x'.repeat(100), expiration_days: 1 })).status).toBe(201);
    for (const name of ['x'.repeat(101), 'line\nbreak', 'nul\u0000', '', 42]) {
      const response = await createToken(fixture.adminToken, { name, expiration_days: 1 });
      expect(response.status).toBe(422);
      expect(response.json['errors']).toEqual([{ field: 'name', message: expect.any(String) }]);
    }
  });

  it("lists only the caller's live tokens, metadata only, with last_used_at", async () => {
    const user = await fixture.createUserWithToken();
    const second = await createToken(user.token, { name: 'second', expiration_days: 2 });
    const list = await api().request('GET', '/api/v1/personal-access-tokens', { token: user.token });
    expect(list.status).toBe(200);
    const tokens = list.json['personal_access_tokens'] as Array<Record<string, unknown>>;
    expect(tokens.map((t) => t['id']).sort()).toEqual([user.tokenId, second.json['id']].sort());
    expect(list.json['next_page_token']).toBeNull();
    for (const token of tokens) {
      expect(token).not.toHaveProperty('token');
      expect(Object.keys(token).sort()).toEqual([
        'client_reference',
        'created_at',
        'created_via',
        'expiration_days',
        'expires_at',
        'id',
        'last_used_at',
        'name',
        'token_hint',
      ]);
    }
    // The user's own token was just used (for the list itself); the second one never was.
    const own = tokens.find((t) => t['id'] === user.tokenId);
    const unused = tokens.find((t) => t['id'] === second.json['id']);
    expect(own?.['last_used_at']).toBe(api().clock.now().toISOString());
    expect(unused?.['last_used_at']).toBeNull();
  });

  it("shows a token to its owner and answers 404 for another user's token id", async () => {
    const alice = await fixture.createUserWithToken();
    const bob = await fixture.createUserWithToken();
    const mine = await api().request('GET', `/api/v1/personal-access-tokens/${alice.tokenId}`, { token: alice.token });
    expect(mine.status).toBe(200);
    expect(mine.json['id']).toBe(alice.tokenId);
    for (const method of ['GET', 'DELETE']) {
      const theirs = await api().request(method, `/api/v1/personal-access-tokens/${alice.tokenId}`, { token: bob.token });
      expect(theirs.status).toBe(404);
      expect(theirs.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    expect((await api().request('GET', '/api/v1/personal-access-tokens/not-a-uuid', { token: bob.token })).status).toBe(404);
    // Alice's token still works: Bob's attempt did nothing.
    expect((await api().request('GET', '/api/v1/me', { token: alice.token })).status).toBe(200);
  });

  it('stops accepting a token the moment it is revoked, and 404s a second revocation', async () => {
    const user = await fixture.createUserWithToken();
    const other = await createToken(user.token, { name: 'to revoke', expiration_days: 1 });
    const secret = other.json['token'] as string;
    expect((await api().request('GET', '/api/v1/me', { token: secret })).status).toBe(200);
    const revoked = await api().request('DELETE', `/api/v1/personal-access-tokens/${other.json['id']}`, { token: user.token });
    expect(revoked.status).toBe(204);
    const after = await api().request('GET', '/api/v1/me', { token: secret });
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await api().request('DELETE', `/api/v1/personal-access-tokens/${other.json['id']}`, { token: user.token })).status).toBe(404);
    expect((await api().request('GET', `/api/v1/personal-access-tokens/${other.json['id']}`, { token: user.token })).status).toBe(404);
  });

  it("revokes all of the caller's tokens at once, including the one used for the call", async () => {
    const user = await fixture.createUserWithToken();
    const extra = await createToken(user.token, { name: 'extra', expiration_days: 3 });
    const bystander = await fixture.createUserWithToken();
    const response = await api().request('DELETE', '/api/v1/personal-access-tokens', { token: user.token });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ revoked_count: 2 });
    expect((await api().request('GET', '/api/v1/me', { token: user.token })).status).toBe(401);
    expect((await api().request('GET', '/api/v1/me', { token: extra.json['token'] as string })).status).toBe(401);
    expect((await api().request('GET', '/api/v1/me', { token: bystander.token })).status).toBe(200);
  });

  it('refuses a token exactly at expires_at (and not a millisecond before)', async () => {
    const user = await fixture.createUserWithToken({ days: 1 });
    const longer = (await createToken(user.token, { name: 'longer', expiration_days: 2 })).json['token'] as string;
    const start = api().clock.now();
    try {
      expect((await api().request('GET', '/api/v1/me', { token: user.token })).status).toBe(200);
      api().clock.set(new Date(start.getTime() + DAY_MS - 1));
      expect((await api().request('GET', '/api/v1/me', { token: user.token })).status).toBe(200);
      api().clock.set(new Date(start.getTime() + DAY_MS));
      expect((await api().request('GET', '/api/v1/me', { token: user.token })).status).toBe(401);
      // Expired tokens also leave the listings.
      const list = await api().request('GET', '/api/v1/personal-access-tokens', { token: longer });
      expect(list.status).toBe(200);
      expect((list.json['personal_access_tokens'] as Array<{ id: string }>).map((t) => t.id)).not.toContain(user.tokenId);
    } finally {
      api().clock.set(start);
    }
  });

  it('paginates with page_size and an opaque page_token', async () => {
    const user = await fixture.createUserWithToken();
    const ids = [user.tokenId];
    for (let i = 0; i < 6; i++) {
      api().clock.advance(1);
      ids.push((await createToken(user.token, { name: `t${i}`, expiration_days: 5 })).json['id'] as string);
    }
    const seen: string[] = [];
    let pageToken: string | null = null;
    let pages = 0;
    do {
      const query: string = `?page_size=3${pageToken ? `&page_token=${encodeURIComponent(pageToken)}` : ''}`;
      const page = await api().request('GET', `/api/v1/personal-access-tokens${query}`, { token: user.token });
      expect(page.status).toBe(200);
      const items = page.json['personal_access_tokens'] as Array<{ id: string }>;
      expect(items.length).toBeLessThanOrEqual(3);
      seen.push(...items.map((t) => t.id));
      pageToken = page.json['next_page_token'] as string | null;
      pages++;
    } while (pageToken !== null && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(ids);
    for (const bad of ['0', '201', 'abc', '1.5']) {
      const response = await api().request('GET', `/api/v1/personal-access-tokens?page_size=${bad}`, { token: user.token });
      expect(response.status).toBe(422);
      expect(response.json['errors']).toEqual([{ field: 'page_size', message: expect.any(String) }]);
    }
    const forgedKeys = [['1', user.tokenId], ['2026-99-99T00:00:00Z', user.tokenId], ['2026-01-01T00:00:00Z', 'x'], ['a'], 'not-json'];
    for (const key of ['bm90LWEtdG9rZW4', ...forgedKeys.map((k) => Buffer.from(JSON.stringify(k)).toString('base64url'))]) {
      const forged = await api().request('GET', `/api/v1/personal-access-tokens?page_token=${key}`, { token: user.token });
      expect(forged.status).toBe(422);
      expect(forged.json['errors']).toEqual([{ field: 'page_token', message: expect.any(String) }]);
    }
  });

  it('writes last_used_at in batches, at most once a minute', async () => {
    const user = await fixture.createUserWithToken();
    const start = api().clock.now();
    const row = async () =>
      (await fixture.tessera.db('tokens').where({ id: user.tokenId }).first('last_used_at')) as { last_used_at: Date | null };
    try {
      expect((await row()).last_used_at).toBeNull();
      await api().request('GET', '/api/v1/me', { token: user.token });
      // Nothing is written on the request path itself.
      expect((await row()).last_used_at).toBeNull();
      api().clock.advance(30_000);
      await api().request('GET', '/api/v1/me', { token: user.token });
      await fixture.tessera.flush();
      expect((await row()).last_used_at?.toISOString()).toBe(start.toISOString());
      api().clock.advance(31_000);
      await api().request('GET', '/api/v1/me', { token: user.token });
      await fixture.tessera.flush();
      expect((await row()).last_used_at?.toISOString()).toBe(new Date(start.getTime() + 61_000).toISOString());
    } finally {
      api().clock.set(start);
    }
  });

  it('publishes the token policy without authentication', async () => {
    const policy = await api().request('GET', '/api/v1/token-policy');
    expect(policy.status).toBe(200);
    expect(policy.json).toEqual({ personal_access_token: { min_expiration_days: 1, max_expiration_days: 30 } });
  });
});
