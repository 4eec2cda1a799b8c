// Idempotency-Key on creates: one token per key (also under concurrency), 409 for another body,
// the retained secret encrypted and gone after the window.
import { randomUUID } from 'node:crypto';
import { sweepIdempotencyRecords } from '../../api/idempotency/service';
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

function create(token: string, key: string, body: unknown, path = '/api/v1/personal-access-tokens') {
  return api().request('POST', path, { token, body, headers: { 'idempotency-key': key } });
}

async function liveTokenCount(userId: string): Promise<number> {
  const row = (await api().tessera.db('tokens').where({ user_id: userId }).whereNull('revoked_at').count({ n: '*' }).first()) as {
    n: string;
  };
  return Number(row.n);
}

describe('Idempotency-Key', () => {
  it('returns the original response (same id, same secret) for a retry with the same body', async () => {
    const user = await fixture.createUserWithToken();
    const key = randomUUID();
    const first = await create(user.token, key, { name: 'retry me', expiration_days: 5 });
    expect(first.status).toBe(201);
    const second = await create(user.token, key, { expiration_days: 5, name: 'retry me' });
    expect(second.status).toBe(201);
    expect(second.json).toEqual(first.json);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await liveTokenCount(user.id)).toBe(2);
    // The replayed secret is the real one.
    expect((await api().request('GET', '/api/v1/me', { token: second.json['token'] as string })).status).toBe(200);
  });

  it('answers 409 for the same key with a different body', async () => {
    const user = await fixture.createUserWithToken();
    const key = randomUUID();
    expect((await create(user.token, key, { name: 'one', expiration_days: 5 })).status).toBe(201);
    const other = await create(user.token, key, { name: 'two', expiration_days: 5 });
    expect(other.status).toBe(409);
    expect(other.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await liveTokenCount(user.id)).toBe(2);
  });

  it('creates exactly one token when the same request races with itself', async () => {
    const user = await fixture.createUserWithToken();
    const key = randomUUID();
    const responses = await Promise.all(Array.from({ length: 8 }, () => create(user.token, key, { name: 'race', expiration_days: 3 })));
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(201));
    expect(new Set(responses.map((r) => r.json['id'])).size).toBe(1);
    expect(new Set(responses.map((r) => r.json['token'])).size).toBe(1);
    expect(await liveTokenCount(user.id)).toBe(2);
  });

  it("scopes keys per user: another user's identical key creates their own token", async () => {
    const alice = await fixture.createUserWithToken();
    const bob = await fixture.createUserWithToken();
    const key = randomUUID();
    const a = await create(alice.token, key, { name: 'same', expiration_days: 1 });
    const b = await create(bob.token, key, { name: 'same', expiration_days: 1 });
    expect(b.status).toBe(201);
    expect(b.json['id']).not.toBe(a.json['id']);
  });

  it('keeps the secret only encrypted, and forgets it after 10 minutes', async () => {
    const user = await fixture.createUserWithToken();
    const key = `key-${randomUUID()}`;
    const first = await create(user.token, key, { name: 'window', expiration_days: 1 });
    const secret = first.json['token'] as string;
    const rows = (await api().tessera.db('idempotency_records').select('*')) as Array<Record<string, unknown>>;
    const dump = JSON.stringify(
      rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Buffer.isBuffer(v) ? v.toString('latin1') : v]))),
    );
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain(secret.slice(6));
    expect(dump).not.toContain(key);

    const start = api().clock.now();
    try {
      api().clock.advance(10 * 60 * 1000 - 1);
      expect((await create(user.token, key, { name: 'window', expiration_days: 1 })).json['id']).toBe(first.json['id']);
      api().clock.advance(1);
      const deleted = await sweepIdempotencyRecords(api().tessera.db, api().clock.now());
      expect(deleted).toBeGreaterThan(0);
      const remaining = await api()
        .tessera.db('idempotency_records')
        .where('expires_at', '<=', api().clock.now())
        .count({ n: '*' })
        .first();
      expect(Number((remaining as { n: string }).n)).toBe(0);
      // After the window the key is free again: a new token.
      const later = await create(user.token, key, { name: 'window', expiration_days: 1 });
      expect(later.status).toBe(201);
      expect(later.json['id']).not.toBe(first.json['id']);
    } finally {
      api().clock.set(start);
    }
  });

  it('claims an expired key again before the sweeper runs, and writes each token with its audit event', async () => {
    const user = await fixture.createUserWithToken();
    const key = randomUUID();
    const start = api().clock.now();
    try {
      const first = await create(user.token, key, { name: 'reclaim', expiration_days: 1 });
      api().clock.advance(10 * 60 * 1000);
      const second = await create(user.token, key, { name: 'reclaim', expiration_days: 1 });
      expect(second.status).toBe(201);
      expect(second.headers.get('idempotent-replayed')).toBeNull();
      expect(second.json['id']).not.toBe(first.json['id']);
      // The reclaimed record answers the retry with the new token, not the old one.
      const retry = await create(user.token, key, { name: 'reclaim', expiration_days: 1 });
      expect(retry.json['id']).toBe(second.json['id']);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      const audited = await api()
        .tessera.db('audit_events')
        .where({ action: 'personal_access_token.created' })
        .whereIn('target_id', [first.json['id'] as string, second.json['id'] as string])
        .count({ n: '*' })
        .first();
      expect(Number((audited as { n: string }).n)).toBe(2);
    } finally {
      api().clock.set(start);
    }
  });

  it('writes nothing for a create refused with 409, so nothing is replayed for its key', async () => {
    const user = await fixture.createUserWithToken();
    const body = { name: 'marked', expiration_days: 1, client_reference: `ref-${randomUUID()}` };
    expect((await create(user.token, randomUUID(), body)).status).toBe(201);
    const key = randomUUID();
    const refused = await create(user.token, key, body);
    expect(refused.status).toBe(409);
    expect(await liveTokenCount(user.id)).toBe(2);
    const records = await api().tessera.db('idempotency_records').count({ n: '*' }).first();
    const again = await create(user.token, key, body);
    expect(again.status).toBe(409);
    expect(await api().tessera.db('idempotency_records').count({ n: '*' }).first()).toEqual(records);
  });

  it('works for service accounts too, and validates the key', async () => {
    const key = randomUUID();
    const a = await create(fixture.adminToken, key, { name: 'svc' }, '/api/v1/service-accounts');
    const b = await create(fixture.adminToken, key, { name: 'svc' }, '/api/v1/service-accounts');
    expect(b.json).toEqual(a.json);
    expect((await create(fixture.adminToken, key, { name: 'other' }, '/api/v1/service-accounts')).status).toBe(409);
    const bad = await create(fixture.adminToken, 'has space', { name: 'svc' }, '/api/v1/service-accounts');
    expect(bad.status).toBe(422);
    expect(bad.json['errors']).toEqual([{ field: 'Idempotency-Key', message: expect.any(String) }]);
  });
});
