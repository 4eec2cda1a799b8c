// created_via and client_reference on personal access tokens: stored, shown, filterable (also in
// the SysAdmin per-user listing), validated with 422s naming the field, and a client_reference
// names at most one token of a user, also after the Idempotency-Key window.
import { randomUUID } from 'node:crypto';
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
const VIA = 'terraform-provider-tessera/0.1.0';

function create(token: string, body: Record<string, unknown>, idempotencyKey?: string) {
  const headers: Record<string, string> = idempotencyKey ? { 'idempotency-key': idempotencyKey } : {};
  return api().request('POST', '/api/v1/personal-access-tokens', { token, body, headers });
}

function listIds(token: string, query: string, path = '/api/v1/personal-access-tokens') {
  return api()
    .request('GET', `${path}?${query}`, { token })
    .then((r) => {
      if (r.status !== 200) throw new Error(`list: ${r.status} ${r.text}`);
      return (r.json['personal_access_tokens'] as Array<{ id: string }>).map((t) => t.id);
    });
}

describe('personal access token client markers', () => {
  it('stores created_via and client_reference and returns them on create, show and list', async () => {
    const user = await fixture.createUserWithToken();
    const reference = randomUUID();
    const created = await create(user.token, { name: 'marked', expiration_days: 3, created_via: VIA, client_reference: reference });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ created_via: VIA, client_reference: reference });
    const id = created.json['id'] as string;
    const shown = await api().request('GET', `/api/v1/personal-access-tokens/${id}`, { token: user.token });
    expect(shown.json).toMatchObject({ id, created_via: VIA, client_reference: reference });
    // A token made without markers shows them as null.
    const plain = await create(user.token, { name: 'plain', expiration_days: 3 });
    expect(plain.json).toMatchObject({ created_via: null, client_reference: null });
    const all = await api().request('GET', '/api/v1/personal-access-tokens', { token: user.token });
    const rows = all.json['personal_access_tokens'] as Array<Record<string, unknown>>;
    expect(rows.find((r) => r['id'] === id)).toMatchObject({ created_via: VIA, client_reference: reference });
  });

  it("filters the caller's list and the SysAdmin per-user list by either marker", async () => {
    const user = await fixture.createUserWithToken();
    const r1 = randomUUID();
    const r2 = randomUUID();
    const a = await create(user.token, { name: 'a', expiration_days: 2, created_via: VIA, client_reference: r1 });
    const b = await create(user.token, { name: 'b', expiration_days: 2, created_via: VIA, client_reference: r2 });
    await create(user.token, { name: 'c', expiration_days: 2, created_via: 'other-tool/1' });
    const [idA, idB] = [a.json['id'] as string, b.json['id'] as string];
    expect(await listIds(user.token, `client_reference=${r1}`)).toEqual([idA]);
    // The fixture's clock stands still: both have the same created_at, so the order is by id.
    expect(await listIds(user.token, `created_via=${encodeURIComponent(VIA)}`)).toEqual([idA, idB].sort());
    expect(await listIds(user.token, `created_via=${encodeURIComponent(VIA)}&client_reference=${r2}`)).toEqual([idB]);
    expect(await listIds(user.token, `client_reference=${randomUUID()}`)).toEqual([]);
    const perUser = `/api/v1/users/${user.id}/personal-access-tokens`;
    expect(await listIds(fixture.adminToken, `client_reference=${r2}`, perUser)).toEqual([idB]);
    // Another user's reference finds nothing in the caller's own list.
    expect(await listIds(fixture.adminToken, `client_reference=${r1}`)).toEqual([]);
    // Revoked tokens are not listed, filter or not.
    await api().request('DELETE', `/api/v1/personal-access-tokens/${idA}`, { token: user.token });
    expect(await listIds(user.token, `client_reference=${r1}`)).toEqual([]);
  });

  it('refuses malformed markers with a 422 naming the field, in bodies and in filters', async () => {
    const user = await fixture.createUserWithToken();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ created_via: '' }, 'created_via'],
      [{ created_via: ' padded' }, 'created_via'],
      [{ created_via: 'x'.repeat(101) }, 'created_via'],
      [{ created_via: 'tab\there' }, 'created_via'],
      [{ created_via: 42 }, 'created_via'],
      [{ client_reference: 'has space' }, 'client_reference'],
      [{ client_reference: 'r'.repeat(129) }, 'client_reference'],
      [{ client_reference: 'é' }, 'client_reference'],
      [{ client_reference: null }, 'client_reference'],
    ];
    for (const [extra, field] of cases) {
      const response = await create(user.token, { name: 'bad', expiration_days: 1, ...extra });
      expect(response.status).toBe(422);
      expect(response.json['errors']).toEqual([expect.objectContaining({ field })]);
    }
    expect(
      (await create(user.token, { name: 'ok', expiration_days: 1, created_via: 'v'.repeat(100), client_reference: 'r'.repeat(128) }))
        .status,
    ).toBe(201);
    for (const [query, field] of [
      ['client_reference=a%20b', 'client_reference'],
      ['created_via=', 'created_via'],
      ['client_reference=a&client_reference=b', 'client_reference'],
    ]) {
      const response = await api().request('GET', `/api/v1/personal-access-tokens?${query}`, { token: user.token });
      expect(response.status).toBe(422);
      expect(response.json['errors']).toEqual([expect.objectContaining({ field })]);
    }
  });

  it('replays within the Idempotency-Key window and refuses a second token with the same client_reference after it', async () => {
    const user = await fixture.createUserWithToken();
    const reference = randomUUID();
    const key = randomUUID();
    const body = { name: 'once', expiration_days: 4, created_via: VIA, client_reference: reference };
    const first = await create(user.token, body, key);
    const replay = await create(user.token, body, key);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.json['id']).toBe(first.json['id']);
    // The window has passed (its record is gone): the same request now reaches the insert.
    await api().tessera.db('idempotency_records').delete();
    const late = await create(user.token, body, key);
    expect(late.status).toBe(409);
    expect(late.json['type']).toBe('urn:tessera:problem:client-reference-in-use');
    expect(late.json['detail']).toContain('client_reference');
    // Without any key, and by another user, the reference is checked per user.
    expect((await create(user.token, { name: 'again', expiration_days: 1, client_reference: reference })).status).toBe(409);
    const other = await fixture.createUserWithToken();
    expect((await create(other.token, { name: 'theirs', expiration_days: 1, client_reference: reference })).status).toBe(201);
    const rows = await api().tessera.db('tokens').where({ user_id: user.id, client_reference: reference }).select('id');
    expect(rows).toEqual([{ id: first.json['id'] }]);
    // The failed attempts left no idempotency record behind that would replay a 409 later.
    expect(await api().tessera.db('idempotency_records').count({ n: '*' }).first()).toEqual({ n: '0' });
  });

  it('describes the markers in the OpenAPI document', async () => {
    const doc = (await api().request('GET', '/api/v1/openapi.json')).json as {
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
      paths: Record<string, Record<string, { parameters?: Array<{ name: string }> }>>;
    };
    for (const schema of ['CreatePersonalAccessToken', 'CreatedPersonalAccessToken', 'PersonalAccessToken']) {
      expect(Object.keys(doc.components.schemas[schema]!.properties)).toEqual(expect.arrayContaining(['created_via', 'client_reference']));
    }
    for (const path of ['/personal-access-tokens', '/users/{id}/personal-access-tokens']) {
      const names = (doc.paths[path]!['get']!.parameters ?? []).map((p) => p.name);
      expect(names).toEqual(expect.arrayContaining(['created_via', 'client_reference']));
    }
  });
});
