// Revocation across API processes sharing one database: each process caches verified tokens, and
// PostgreSQL LISTEN/NOTIFY must tell the others within 100 ms. Two real OS processes, measured.
import { createPersonalTokenForEmail, createUserAccount } from '../../api/bootstrap';
import { ManualClock } from '../../api/clock';
import { AuthCache, type StoredCredential } from '../../api/auth/cache';
import { INVALIDATION_CHANNEL } from '../../api/auth/invalidation';
import { Client } from 'pg';
import { startTestApi, type ApiInstance, type TestApi } from '../support/api-server';

async function cacheHits(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const match = /^tessera_auth_cache_hits_total (\d+)/m.exec(text);
  return match ? Number(match[1]) : 0;
}

/** Polls until the token is refused; returns the milliseconds from `since`. */
async function msUntilRefused(url: string, token: string, since: number, limitMs = 2_000): Promise<number> {
  for (;;) {
    const response = await fetch(`${url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    await response.arrayBuffer();
    const elapsed = performance.now() - since;
    if (response.status === 401) return elapsed;
    if (response.status !== 200) throw new Error(`unexpected ${response.status}`);
    if (elapsed > limitMs) return elapsed;
  }
}

// Two API processes (api/main.ts) on one database; `a` also owns the database and the admin token.
let a: TestApi;
let b: ApiInstance;
let adminToken: string;

beforeAll(async () => {
  // Info, not debug: the children's log lines are read by this process, which also times them.
  a = await startTestApi({ mode: 'process', logLevel: 'info' });
  b = await a.startAnotherInstance({ mode: 'process', logLevel: 'info' });
  adminToken = a.adminToken;
}, 200_000);

afterAll(async () => {
  await a?.stop();
});

describe('revocation across two API processes', () => {
  it('reaches the other process within 100 ms (measured over 10 revocations)', async () => {
    const created = await a.request('POST', '/api/v1/users', { token: adminToken, body: { email: 'prop@example.test', name: 'Prop' } });
    expect(created.status).toBe(201);
    const samples: number[] = [];
    const roundTrips: number[] = [];
    // A third listener, in this process, timestamps the notification itself: the mechanism's
    // latency without any HTTP in it.
    const listener = new Client({ connectionString: a.databaseUrl });
    await listener.connect();
    await listener.query(`LISTEN ${INVALIDATION_CHANNEL}`);
    const notified = new Map<string, number>();
    listener.on('notification', (message) => notified.set(message.payload ?? '', performance.now()));
    const notifyDelays: number[] = [];
    for (let i = 0; i < 10; i++) {
      const token = await createPersonalTokenForEmail(
        { database: a.databaseUrl, serverKey: a.serverKey },
        { email: 'prop@example.test', days: 1 },
      );
      // Warm process B's cache and prove it answers from memory (so the test measures invalidation).
      const hitsBefore = await cacheHits(b.url);
      for (let j = 0; j < 5; j++) {
        const sent = performance.now();
        expect((await b.request('GET', '/api/v1/me', { token: token.token })).status).toBe(200);
        roundTrips.push(performance.now() - sent);
      }
      expect(await cacheHits(b.url)).toBeGreaterThan(hitsBefore);
      const revoke = await a.request('DELETE', `/api/v1/personal-access-tokens/${token.id}`, { token: adminToken });
      expect(revoke.status).toBe(204);
      const since = performance.now();
      samples.push(await msUntilRefused(b.url, token.token, since));
      const at = notified.get(`token:${token.id}`);
      // Negative: the notification was already there when A's 204 arrived.
      if (at !== undefined) notifyDelays.push(at - since);
      // Process A itself refused it on the very next request.
      expect((await a.request('GET', '/api/v1/me', { token: token.token })).status).toBe(401);
    }
    const sorted = [...samples].sort((x, y) => x - y);
    const trip = [...roundTrips].sort((x, y) => x - y)[Math.floor(roundTrips.length / 2)] ?? 0;
    const report =
      `revocation reached the other process in: median ${sorted[5]?.toFixed(1)} ms, max ${sorted[9]?.toFixed(1)} ms ` +
      `(n=10; end to end over HTTP, an upper bound; one cached GET /me round trip to it takes ${trip.toFixed(1)} ms median right now)`;
    await listener.end();
    const notifySorted = [...notifyDelays].sort((x, y) => x - y);
    console.log(
      `${report}\nNOTIFY reached a listener ${notifySorted[Math.floor(notifySorted.length / 2)]?.toFixed(1)} ms (median), ` +
        `${notifySorted[notifySorted.length - 1]?.toFixed(1)} ms (max) after the revoking DELETE's response arrived (negative: before it; n=${notifySorted.length})`,
    );
    expect(notifyDelays).toHaveLength(10);
    // Each sample includes at least one HTTP round trip to observe the refusal; on a loaded shared
    // machine that alone can take tens of ms. So the 100 ms target is asserted on the median net
    // of the median round trip, and every single sample is held to the contract's hard 1 s.
    expect((sorted[5] ?? Infinity) - trip).toBeLessThan(100);
    expect(Math.max(...samples)).toBeLessThan(1_000);
  }, 60_000);

  it('propagates deactivation and role loss across processes too', async () => {
    const user = await a.request('POST', '/api/v1/users', { token: adminToken, body: { email: 'deact@example.test', name: 'Deact' } });
    const team = await a.request('POST', '/api/v1/teams', { token: adminToken, body: { name: 'prop-admins', role: 'SysAdmin' } });
    await a.request('PUT', `/api/v1/teams/${team.json['id']}/members/${user.json['id']}`, { token: adminToken });
    const token = await createPersonalTokenForEmail(
      { database: a.databaseUrl, serverKey: a.serverKey },
      { email: 'deact@example.test', days: 1 },
    );
    expect((await b.request('GET', '/api/v1/audit-events', { token: token.token })).status).toBe(200);
    await a.request('DELETE', `/api/v1/teams/${team.json['id']}/members/${user.json['id']}`, { token: adminToken });
    const roleSince = performance.now();
    let status = 200;
    while (status === 200 && performance.now() - roleSince < 1_000) {
      status = (await b.request('GET', '/api/v1/audit-events', { token: token.token })).status;
    }
    expect(status).toBe(403);
    const roleMs = performance.now() - roleSince;
    await a.request('PATCH', `/api/v1/users/${user.json['id']}`, { token: adminToken, body: { active: false } });
    const deactivationMs = await msUntilRefused(b.url, token.token, performance.now());
    console.log(`role loss reached the other process in ${roleMs.toFixed(1)} ms, deactivation in ${deactivationMs.toFixed(1)} ms`);
    // Single samples on a shared machine: the hard bound here is the contract's 1 s; the
    // 100 ms target is asserted on the median of the revocation series above.
    expect(roleMs).toBeLessThan(1_000);
    expect(deactivationMs).toBeLessThan(1_000);
  }, 30_000);
});

describe('when notifications are lost', () => {
  it('disables the cache while the LISTEN connection is down and flushes it on reconnect', async () => {
    const clock = new ManualClock();
    const local = await a.startAnotherInstance({ clock });
    try {
      await createUserAccount({ database: a.databaseUrl, serverKey: a.serverKey }, { email: 'listen@example.test', name: 'Listen' });
      const token = await createPersonalTokenForEmail(
        { database: a.databaseUrl, serverKey: a.serverKey, clock },
        { email: 'listen@example.test', days: 1 },
      );
      expect((await local.request('GET', '/api/v1/me', { token: token.token })).status).toBe(200);
      // Kill this instance's LISTEN backend, as a network blip or server restart would.
      await local.tessera.db.raw(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'tessera-invalidation' AND datname = current_database() AND pid <> pg_backend_pid()",
      );
      // Revoke behind everyone's back (no notification at all).
      await local.tessera.db('tokens').where({ id: token.id }).update({ revoked_at: new Date() });
      const since = performance.now();
      expect(await msUntilRefused(local.url, token.token, since)).toBeLessThan(1_000);
      // The listener comes back by itself and the cache is used again.
      const fresh = await createPersonalTokenForEmail(
        { database: a.databaseUrl, serverKey: a.serverKey, clock },
        { email: 'listen@example.test', days: 1 },
      );
      const hitsBefore = (await local.tessera.metrics.authCacheHits.get()).values[0]?.value ?? 0;
      let hits = hitsBefore;
      for (let i = 0; i < 100 && hits === hitsBefore; i++) {
        expect((await local.request('GET', '/api/v1/me', { token: fresh.token })).status).toBe(200);
        hits = (await local.tessera.metrics.authCacheHits.get()).values[0]?.value ?? 0;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(hits).toBeGreaterThan(hitsBefore);
    } finally {
      await local.stop();
    }
  }, 30_000);

  it('never serves a cached entry older than the max age, even without any notification', () => {
    let now = 0;
    const cache = new AuthCache({ maxAgeMs: 500, now: () => now });
    cache.setEnabled(true);
    const credential = { tokenId: 't' } as StoredCredential;
    cache.set('k', credential, cache.generation);
    now = 499;
    expect(cache.get('k')).toBe(credential);
    now = 500;
    expect(cache.get('k')).toBeUndefined();
    expect(() => new AuthCache({ maxAgeMs: 1000 })).toThrow();
  });

  it('does not store a lookup that raced with an invalidation', () => {
    const cache = new AuthCache({ maxAgeMs: 500 });
    cache.setEnabled(true);
    const generation = cache.generation;
    cache.apply({ scope: 'token', id: 'x' });
    cache.set('k', { tokenId: 't' } as StoredCredential, generation);
    expect(cache.get('k')).toBeUndefined();
  });
});
