// Sign-in, session cookies, CSRF and expiry over real HTTP against a real database.
import { ManualClock } from '../../api/clock';
import { CookieClient } from './support/cookie-client';
import { startTestApi, type TestApi } from '../support/api-server';

const MINUTE = 60_000;

describe('sessions API', () => {
  let api: TestApi;
  let clock: ManualClock;

  beforeAll(async () => {
    clock = new ManualClock(new Date('2026-03-02T09:00:00.000Z'));
    api = await startTestApi({ webPage: true, clock, sessionSettings: { idleTimeoutMs: 30 * MINUTE, absoluteTimeoutMs: 8 * 60 * MINUTE } });
  });
  afterAll(async () => {
    await api?.stop();
  });

  test('signing in sets an HttpOnly SameSite=Strict cookie (not Secure over plain HTTP) and returns the CSRF token', async () => {
    const user = await api.createUser({ role: 'Member' });
    const client = new CookieClient(api.url);
    const response = await client.request('POST', '/api/v1/sessions', { body: { email: user.email, password: user.password } });
    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.setCookies).toHaveLength(1);
    const cookie = response.setCookies[0] as string;
    expect(cookie).toMatch(/^tessera_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Strict/i);
    expect(cookie).toMatch(/; Path=\//i);
    expect(cookie).not.toMatch(/; Secure/i);
    expect(cookie).not.toMatch(/Domain=/i);
    expect(response.json).toMatchObject({
      user: { id: user.id, email: user.email, name: user.name },
      csrf_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      created_at: '2026-03-02T09:00:00.000Z',
      expires_at: '2026-03-02T17:00:00.000Z',
      idle_expires_at: '2026-03-02T09:30:00.000Z',
    });
    // The email is matched without regard to case, as the users table stores it.
    const again = new CookieClient(api.url);
    await again.signIn(user.email.toUpperCase(), user.password);
  });

  test('a session authenticates /me as type "session", and GET /sessions/current gives the CSRF token back', async () => {
    const user = await api.createUser({ role: 'ReadOnly' });
    const client = new CookieClient(api.url);
    const signedIn = await client.signIn(user.email, user.password);
    const me = await client.request('GET', '/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({
      id: user.id,
      email: user.email,
      teams: [expect.objectContaining({ role: 'ReadOnly' })],
      authenticated_by: { type: 'session', token_id: null, expires_at: '2026-03-02T09:30:00.000Z' },
    });
    const current = await client.request('GET', '/api/v1/sessions/current');
    expect(current.status).toBe(200);
    expect(current.json['csrf_token']).toBe(signedIn['csrf_token']);
    expect(current.headers.get('cache-control')).toBe('no-store');
  });

  test('every sign-in failure gets the same 401 body, and the password is stored only as an argon2id hash', async () => {
    const user = await api.createUser({ role: 'Member' });
    const noPassword = await api.createUser({ role: 'Member', password: null });
    const inactive = await api.createUser({ role: 'Member' });
    const deactivate = await fetch(`${api.url}/api/v1/users/${inactive.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${api.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ active: false }),
    });
    expect(deactivate.status).toBe(200);

    const attempts = [
      { email: user.email, password: `${user.password}x` },
      { email: 'nobody@example.test', password: 'whatever-password' },
      { email: noPassword.email, password: 'whatever-password' },
      { email: inactive.email, password: inactive.password },
    ];
    const bodies: string[] = [];
    for (const attempt of attempts) {
      const response = await new CookieClient(api.url, { 'x-forwarded-for': 'ignored' }).request('POST', '/api/v1/sessions', {
        body: attempt,
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(response.setCookies).toHaveLength(0);
      bodies.push(JSON.stringify(response.json));
    }
    expect(new Set(bodies).size).toBe(1);
    expect(JSON.parse(bodies[0] as string)).toMatchObject({ status: 401, detail: 'The email or password is incorrect.' });

    const stored = (await api.tessera.db('user_passwords').where({ user_id: user.id }).first()) as { password_hash: string };
    expect(stored.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(stored.password_hash).not.toContain(user.password);
    const audit = (await api.tessera
      .db('audit_events')
      .where({ action: 'session.sign_in', outcome: 'failure' })
      .count('* as n')
      .first()) as { n: string };
    expect(Number(audit.n)).toBeGreaterThanOrEqual(4);
  });

  test('bad sign-in input is a 422 naming each field; a non-JSON body is 415', async () => {
    const client = new CookieClient(api.url);
    const missing = await client.request('POST', '/api/v1/sessions', { body: {} });
    expect(missing.status).toBe(422);
    expect((missing.json['errors'] as Array<{ field: string }>).map((e) => e.field).sort()).toEqual(['email', 'password']);
    const extra = await client.request('POST', '/api/v1/sessions', { body: { email: 'a@b.test', password: 'x', remember: true } });
    expect(extra.status).toBe(422);
    expect(extra.json['errors']).toEqual([{ field: 'remember', message: 'is not a known field' }]);
    const form = await client.request('POST', '/api/v1/sessions', {
      body: 'x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
  });

  describe('CSRF', () => {
    let client: CookieClient;

    beforeAll(async () => {
      const user = await api.createUser({ role: 'Member' });
      client = new CookieClient(api.url);
      await client.signIn(user.email, user.password);
    });

    test('a cookie-authenticated POST without the X-CSRF-Token header is refused with 403 and creates nothing', async () => {
      const response = await client.request('POST', '/api/v1/personal-access-tokens', {
        body: { name: 'csrf', expiration_days: 7 },
        csrf: false,
      });
      expect(response.status).toBe(403);
      expect(response.json).toMatchObject({ type: 'urn:tessera:problem:csrf-check-failed', status: 403 });
      expect(String(response.json['detail'])).toMatch(/X-CSRF-Token/);
      const list = await client.request('GET', '/api/v1/personal-access-tokens');
      expect(list.json['personal_access_tokens']).toEqual([]);
    });

    test('a wrong token is refused, and so is the right token from another origin', async () => {
      const wrong = await client.request('DELETE', '/api/v1/personal-access-tokens', { headers: { 'x-csrf-token': 'not-the-token' } });
      expect(wrong.status).toBe(403);
      const crossSite = await client.request('POST', '/api/v1/personal-access-tokens', {
        body: { name: 'csrf', expiration_days: 7 },
        headers: { origin: 'https://evil.example' },
      });
      expect(crossSite.status).toBe(403);
      const crossSiteFetch = await client.request('POST', '/api/v1/personal-access-tokens', {
        body: { name: 'csrf', expiration_days: 7 },
        headers: { 'sec-fetch-site': 'cross-site' },
      });
      expect(crossSiteFetch.status).toBe(403);
    });

    test('with the token from the same origin, state changes go through; GETs never need it', async () => {
      const created = await client.request('POST', '/api/v1/personal-access-tokens', {
        body: { name: 'from the page', expiration_days: 7 },
        headers: { origin: api.url, 'sec-fetch-site': 'same-origin' },
      });
      expect(created.status).toBe(201);
      const list = await client.request('GET', '/api/v1/personal-access-tokens', { csrf: false });
      expect(list.status).toBe(200);
      expect((list.json['personal_access_tokens'] as unknown[]).length).toBe(1);
    });

    test('a bearer token request is not subject to the CSRF check, even with a session cookie alongside', async () => {
      const response = await client.request('GET', '/api/v1/me', { headers: { authorization: `Bearer ${api.adminToken}` }, csrf: false });
      expect(response.json['authenticated_by']).toMatchObject({ type: 'personal_access_token' });
      const other = await api.createUser({ role: 'Member' });
      const revokeAll = await client.request('DELETE', `/api/v1/users/${other.id}/personal-access-tokens`, {
        headers: { authorization: `Bearer ${api.adminToken}` },
        csrf: false,
      });
      expect(revokeAll.status).toBe(200);
    });

    test('sign-in from another origin is refused (login CSRF)', async () => {
      const user = await api.createUser({ role: 'Member' });
      const response = await new CookieClient(api.url).request('POST', '/api/v1/sessions', {
        body: { email: user.email, password: user.password },
        headers: { origin: 'https://evil.example' },
      });
      expect(response.status).toBe(403);
      expect(response.setCookies).toHaveLength(0);
    });
  });

  test('sign-out ends the session on the server and clears the cookie; it needs the CSRF token too', async () => {
    const user = await api.createUser({ role: 'Member' });
    const client = new CookieClient(api.url);
    await client.signIn(user.email, user.password);
    const stolenCookie = client.cookieHeader();
    const withoutToken = await client.request('DELETE', '/api/v1/sessions/current', { csrf: false });
    expect(withoutToken.status).toBe(403);
    const signOut = await client.request('DELETE', '/api/v1/sessions/current');
    expect(signOut.status).toBe(204);
    expect(signOut.setCookies[0]).toMatch(/^tessera_session=;.*Max-Age=0/i);
    // A copy of the cookie taken before sign-out is worthless afterwards.
    const replay = await fetch(`${api.url}/api/v1/me`, { headers: { cookie: stolenCookie } });
    expect(replay.status).toBe(401);
    const current = await fetch(`${api.url}/api/v1/sessions/current`, { headers: { cookie: stolenCookie } });
    expect(current.status).toBe(401);
    expect(current.headers.getSetCookie()[0]).toMatch(/Max-Age=0/i);
  });

  test('a session ends after 30 idle minutes, but use keeps it alive until the absolute limit', async () => {
    const user = await api.createUser({ role: 'Member' });
    const idle = new CookieClient(api.url);
    await idle.signIn(user.email, user.password);
    const busy = new CookieClient(api.url);
    await busy.signIn(user.email, user.password);

    clock.advance(29 * MINUTE);
    expect((await busy.request('GET', '/api/v1/me')).status).toBe(200);
    clock.advance(2 * MINUTE); // idle: 31 minutes unused; busy: 2 minutes since last use
    expect((await idle.request('GET', '/api/v1/me')).status).toBe(401);
    expect((await busy.request('GET', '/api/v1/me')).status).toBe(200);

    // Used every 20 minutes, the busy session still ends 8 hours after sign-in.
    for (let elapsed = 31; elapsed + 20 < 8 * 60; elapsed += 20) {
      clock.advance(20 * MINUTE);
      expect((await busy.request('GET', '/api/v1/me')).status).toBe(200);
    }
    clock.set(new Date(new Date(clock.now()).setUTCHours(17, 0, 0, 0)));
    const afterLimit = await busy.request('GET', '/api/v1/me');
    expect(afterLimit.status).toBe(401);
  });

  test('no password, session secret or CSRF token ever reaches the log', async () => {
    const user = await api.createUser({ role: 'Member' });
    const client = new CookieClient(api.url);
    await client.request('POST', '/api/v1/sessions', { body: { email: user.email, password: `${user.password}-wrong` } });
    const session = await client.signIn(user.email, user.password);
    const cookieSecret = client.cookieHeader().split('=')[1] as string;
    expect(cookieSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await client.request('POST', '/api/v1/personal-access-tokens', { body: { name: 'logged?', expiration_days: 1 }, csrf: false });
    await client.request('POST', '/api/v1/personal-access-tokens', {
      body: { name: 'logged?', expiration_days: 1 },
      headers: { 'x-csrf-token': 'guess' },
    });
    await client.request('DELETE', '/api/v1/sessions/current');
    const logs = api.logs.join('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [user.password, `${user.password}-wrong`, session['csrf_token'] as string, cookieSecret]) {
      expect(logs).not.toContain(secret);
    }
  });

  test('deactivating the user ends their sessions at once', async () => {
    const user = await api.createUser({ role: 'Member' });
    const client = new CookieClient(api.url);
    await client.signIn(user.email, user.password);
    expect((await client.request('GET', '/api/v1/me')).status).toBe(200);
    const response = await fetch(`${api.url}/api/v1/users/${user.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${api.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ active: false }),
    });
    expect(response.status).toBe(200);
    expect((await client.request('GET', '/api/v1/me')).status).toBe(401);
  });
});

describe('sessions behind a TLS-terminating proxy', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({ webPage: true, trustProxy: ['loopback'] });
  });
  afterAll(async () => {
    await api?.stop();
  });

  test('the cookie is Secure and __Host- prefixed, and only that name is accepted over TLS', async () => {
    const user = await api.createUser({ role: 'Member' });
    const tls = new CookieClient(api.url, { 'x-forwarded-proto': 'https' });
    const response = await tls.request('POST', '/api/v1/sessions', { body: { email: user.email, password: user.password } });
    expect(response.status).toBe(201);
    const cookie = response.setCookies[0] as string;
    expect(cookie).toMatch(/^__Host-tessera_session=/);
    expect(cookie).toMatch(/; Secure/i);
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Strict/i);
    expect((await tls.request('GET', '/api/v1/me')).status).toBe(200);

    // The same secret under the plain-HTTP name (as a network attacker could plant it) is ignored over TLS.
    const secret = tls.cookieHeader().split('=')[1] as string;
    const planted = await fetch(`${api.url}/api/v1/me`, { headers: { 'x-forwarded-proto': 'https', cookie: `tessera_session=${secret}` } });
    expect(planted.status).toBe(401);
  });
});

describe('failed sign-ins are rate limited per account', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({ webPage: true });
  });
  afterAll(async () => {
    await api?.stop();
  });

  test('after 10 failures for one email it gets 429 with Retry-After, even with the right password', async () => {
    const user = await api.createUser({ role: 'Member' });
    const client = new CookieClient(api.url);
    for (let i = 0; i < 10; i++) {
      const response = await client.request('POST', '/api/v1/sessions', { body: { email: user.email, password: `wrong-${i}` } });
      expect(response.status).toBe(401);
    }
    const blocked = await client.request('POST', '/api/v1/sessions', { body: { email: user.email, password: user.password } });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(blocked.setCookies).toHaveLength(0);
  });
});
