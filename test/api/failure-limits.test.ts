// Failure limits slow down what fails and never lock out what is right: one address (a NAT, a
// proxy) full of failing requests still gets answers for valid credentials; sign-in is limited per
// email, so guessing one person's password is bounded without refusing anyone else.
import { ManualClock } from '../../api/clock';
import { generateSecret } from '../../api/tokens/secret';
import { startTestApi, type TestApi } from '../support/api-server';
import { rawRequest } from '../support/raw-request';

const MINUTE = 60_000;

describe('token failures from one address', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await startTestApi({ webPage: true, authFailureLimit: 20, authFailureWindowMs: MINUTE });
  });
  afterAll(async () => {
    await api?.stop();
  });

  test('after 1000 failing requests from an address, a valid token and a session from it still get 200', async () => {
    const user = await api.createUserWithToken({ role: 'Member' });
    const revoked = await api.createUserWithToken({ role: 'Member' });
    await api.sql('UPDATE tokens SET revoked_at = now() WHERE id = $1', [revoked.tokenId]);
    const wrong = [
      () => generateSecret('personal_access_token'), // well-formed, unknown: a database lookup
      () => generateSecret('service_account'),
      () => `tspat_${'x'.repeat(36)}`, // bad checksum: refused offline
      () => revoked.token,
    ];
    const statuses = new Map<number, number>();
    const retryAfters = new Set<string | null>();
    // 1000 failures, 25 at a time, as a misconfigured CI fleet behind one NAT would send them.
    for (let batch = 0; batch < 40; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          api.request('GET', '/api/v1/me', { token: (wrong[(batch * 25 + i) % wrong.length] as () => string)() }),
        ),
      );
      for (const answer of answers) {
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        if (answer.status === 429) retryAfters.add(answer.headers.get('retry-after'));
      }
    }
    // The first 20 are told their credential is wrong; the rest to back off as well.
    expect(Object.fromEntries(statuses)).toEqual({ 401: 20, 429: 980 });
    for (const retryAfter of retryAfters) {
      expect(Number(retryAfter)).toBeGreaterThan(0);
      expect(Number(retryAfter)).toBeLessThanOrEqual(60);
    }

    // Valid credentials from the same address are answered, cached or not.
    expect((await api.request('GET', '/api/v1/me', { token: user.token })).status).toBe(200);
    expect((await api.request('GET', '/api/v1/me', { token: user.token })).status).toBe(200);
    expect((await api.request('GET', '/api/v1/me', { token: api.adminToken })).status).toBe(200);
    const created = await api.request('POST', '/api/v1/personal-access-tokens', {
      token: user.token,
      body: { name: 'after-the-flood', expiration_days: 1 },
    });
    expect(created.status).toBe(201);
    expect((await api.request('GET', '/api/v1/me', { token: created.json['token'] as string })).status).toBe(200);
    const password = await api.createUser({ role: 'Member' });
    const signIn = await rawRequest(api.url, 'POST', '/api/v1/sessions', { body: { email: password.email, password: password.password } });
    expect(signIn.status).toBe(201);
    const cookie = (signIn.headers.getSetCookie()[0] ?? '').split(';')[0] as string;
    expect((await rawRequest(api.url, 'GET', '/api/v1/me', { headers: { cookie } })).status).toBe(200);

    // Success does not reset the count: the next failure is still slowed down.
    const after = await api.request('GET', '/api/v1/me', { token: generateSecret('personal_access_token') });
    expect(after.status).toBe(429);
    expect(after.json).toMatchObject({ type: 'urn:tessera:problem:too-many-failed-authentications', status: 429 });
    expect(after.json['detail']).toMatch(/credential was not accepted/);

    // The flood is counted, not written out: one audit row and log line per failure up to the limit.
    await api.tessera.flush();
    const [audited] = await api.sql<{ count: string }>("SELECT count(*) FROM audit_events WHERE action = 'authentication.failed'");
    expect(Number(audited?.count)).toBe(20);
    expect(api.logs.filter((line) => line.includes('"msg":"authentication failed"'))).toHaveLength(20);
  }, 120_000);
});

describe('sign-in failures', () => {
  let api: TestApi<ManualClock>;
  let clock: ManualClock;

  beforeAll(async () => {
    clock = new ManualClock(new Date('2026-03-02T09:00:00.000Z'));
    // Trusting the loopback proxy lets the test speak from many addresses.
    api = await startTestApi({ webPage: true, clock, trustProxy: ['loopback'] });
  });
  afterAll(async () => {
    await api?.stop();
  });

  const signIn = (email: string, password: string, from: string) =>
    rawRequest(api.url, 'POST', '/api/v1/sessions', { headers: { 'x-forwarded-for': from }, body: { email, password } });

  test('10 failures for one email, from any addresses, make it 429 (right password included) until the window passes; other accounts sign in', async () => {
    const alice = await api.createUser({ role: 'Member' });
    const bob = await api.createUser({ role: 'Member' });
    for (let i = 0; i < 10; i++) {
      // Ten different addresses: a distributed guesser stays under every per-address limit.
      expect((await signIn(alice.email, `wrong-password-${i}`, `198.51.100.${i + 1}`)).status).toBe(401);
    }
    const locked = await signIn(alice.email, alice.password, '203.0.113.1');
    expect(locked.status).toBe(429);
    expect(locked.json).toMatchObject({ type: 'urn:tessera:problem:too-many-failed-authentications', status: 429 });
    expect(locked.json['detail']).toMatch(/Too many failed sign-ins for this email/);
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(locked.headers.getSetCookie()).toHaveLength(0);
    // The email is matched case-insensitively, as sign-in matches it.
    expect((await signIn(alice.email.toUpperCase(), alice.password, '203.0.113.2')).status).toBe(429);

    // Not a lock-out of anyone else, from the same addresses or any other.
    expect((await signIn(bob.email, bob.password, '198.51.100.1')).status).toBe(201);
    expect((await signIn(bob.email, bob.password, '203.0.113.1')).status).toBe(201);

    // An email nobody has behaves exactly the same, so the 429 does not tell which accounts exist.
    for (let i = 0; i < 10; i++) expect((await signIn('nobody@example.test', `wrong-password-${i}`, `192.0.2.${i + 1}`)).status).toBe(401);
    const unknown = await signIn('nobody@example.test', 'any-password-at-all', '203.0.113.3');
    expect(unknown.status).toBe(429);
    expect(unknown.json['detail']).toBe(
      String(locked.json['detail']).replace(String(retryAfter), unknown.headers.get('retry-after') ?? ''),
    );

    // After the window, the right password works again.
    clock.advance(Number(locked.headers.get('retry-after')) * 1000 + 1000);
    expect((await signIn(alice.email, alice.password, '203.0.113.1')).status).toBe(201);
  });

  test('30 wrong passwords for one email at once get exactly 10 checks: the per-account limit holds under concurrency', async () => {
    const carol = await api.createUser({ role: 'Member' });
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => signIn(carol.email, `parallel-guess-${i}`, `192.0.2.${100 + i}`)),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses.filter((status) => status === 401)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(20);
    expect((await signIn(carol.email, carol.password, '192.0.2.200')).status).toBe(429);
  });

  test('an address with many failures gets 429 for wrong passwords, but a right one from it still signs in', async () => {
    const users = await Promise.all(Array.from({ length: 11 }, () => api.createUser({ role: 'Member' })));
    const shared = '198.51.100.200'; // a NAT in front of many people
    // Ten people mistype once each (no single account near its limit).
    for (let i = 0; i < 10; i++)
      expect((await signIn((users[i] as { email: string }).email, 'mistyped-password', shared)).status).toBe(401);
    const slowed = await signIn((users[10] as { email: string }).email, 'mistyped-password', shared);
    expect(slowed.status).toBe(429);
    expect(slowed.json['detail']).toMatch(/incorrect, and too many sign-ins have failed from this address/);
    expect(Number(slowed.headers.get('retry-after'))).toBeGreaterThan(0);
    // Before this change the address was refused whatever it sent.
    for (const user of users.slice(0, 3)) {
      const ok = await signIn(user.email, user.password, shared);
      expect(ok.status).toBe(201);
      expect(ok.headers.getSetCookie()).toHaveLength(1);
    }
    // Another address is unaffected by the NAT's failures.
    expect((await signIn((users[10] as { email: string }).email, 'mistyped-again', '198.51.100.201')).status).toBe(401);
  });
});
