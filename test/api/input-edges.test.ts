// Input at the edges of what the contract accepts: page tokens that decode to impossible sort
// keys, and names that are empty once invisible characters are discounted. Each is a 422 naming
// the field, never a 400 from the database or a stored name nobody can see.
import { startTestApi, type TestApi } from '../support/api-server';

let api: TestApi;
let adminId: string;

beforeAll(async () => {
  api = await startTestApi();
  const me = await api.request('GET', '/api/v1/me', { token: api.adminToken });
  adminId = String(me.json['id']);
});

afterAll(async () => {
  await api?.stop();
});

// A page token is base64url of the JSON sort key, as the server writes it.
const tokenOf = (key: unknown): string => Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
const someId = '0b9c3a9e-6a43-4a63-9a52-6a9d0f1c2b3d';

describe('page_token', () => {
  const listings = () => [
    '/api/v1/users',
    '/api/v1/teams',
    '/api/v1/service-accounts',
    '/api/v1/personal-access-tokens',
    `/api/v1/users/${adminId}/personal-access-tokens`,
  ];
  const impossible: [string, string][] = [
    ['February 30th', '2025-02-30T00:00:00.000Z'],
    ['year 0', '0000-01-01T00:00:00.000Z'],
    ['hour 24', '2025-01-01T24:00:00.000Z'],
    ['year beyond what is stored', '99999-01-01T00:00:00.000Z'],
  ];

  it.each(impossible)('with an impossible date (%s) is a 422 naming page_token on every listing', async (_what, date) => {
    for (const path of listings()) {
      const res = await api.request('GET', `${path}?page_token=${tokenOf([date, someId])}`, { token: api.adminToken });
      expect({ path, status: res.status }).toEqual({ path, status: 422 });
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.json['errors']).toEqual([expect.objectContaining({ field: 'page_token' })]);
    }
  });

  it.each([
    ['not base64url', '***'],
    ['not JSON', Buffer.from('{nope', 'utf8').toString('base64url')],
    ['a JSON object', tokenOf({ a: 1 })],
    ['an empty key', tokenOf([])],
    ['a number as date', tokenOf([12, someId])],
    ['a bad id', tokenOf(['2025-01-01T00:00:00.000Z', 'not-an-id'])],
    ['a key from the audit listing', tokenOf(['12'])],
  ])('that is malformed (%s) is a 422 naming page_token', async (_what, token) => {
    for (const path of listings()) {
      const res = await api.request('GET', `${path}?page_token=${encodeURIComponent(token)}`, { token: api.adminToken });
      expect({ path, status: res.status }).toEqual({ path, status: 422 });
      expect(res.json['errors']).toEqual([expect.objectContaining({ field: 'page_token' })]);
    }
    const audit = await api.request(
      'GET',
      `/api/v1/audit-events?page_token=${encodeURIComponent(tokenOf(['2025-02-30T00:00:00.000Z', someId]))}`,
      {
        token: api.adminToken,
      },
    );
    expect(audit.status).toBe(422);
    expect(audit.json['errors']).toEqual([expect.objectContaining({ field: 'page_token' })]);
  });

  it('still pages with the tokens the server hands out', async () => {
    for (let i = 0; i < 3; i += 1) {
      const created = await api.request('POST', '/api/v1/teams', {
        token: api.adminToken,
        body: { name: `paging team ${i}`, role: 'ReadOnly' },
      });
      expect(created.status).toBe(201);
    }
    const first = await api.request('GET', '/api/v1/teams?page_size=1', { token: api.adminToken });
    expect(first.status).toBe(200);
    const next = first.json['next_page_token'] as string;
    expect(typeof next).toBe('string');
    const second = await api.request('GET', `/api/v1/teams?page_size=1&page_token=${next}`, { token: api.adminToken });
    expect(second.status).toBe(200);
    expect((second.json['teams'] as { id: string }[])[0]?.id).not.toBe((first.json['teams'] as { id: string }[])[0]?.id);
  });
});

describe('names', () => {
  // Assembled from code points so the source shows what each one is.
  const invisible: [string, string][] = [
    ['zero-width space', '\u200b'],
    ['zero-width non-joiner and joiner', '\u200c\u200d'],
    ['word joiner', '\u2060'],
    ['byte order mark between spaces', ' \ufeff '],
    ['left-to-right and right-to-left marks', '\u200e\u200f'],
    ['bidi embedding and override', '\u202a\u202b\u202c\u202d\u202e'],
    ['bidi isolates', '\u2066\u2067\u2068\u2069'],
    ['spaces only', '   '],
  ];

  it.each(invisible)('made only of invisible characters (%s) are a 422 naming the field, for every kind of name', async (_what, name) => {
    const attempts: [string, string, Record<string, unknown>][] = [
      ['POST', '/api/v1/teams', { name, role: 'Member' }],
      ['POST', '/api/v1/users', { email: `invisible-${Math.random().toString(36).slice(2)}@example.com`, name }],
      ['POST', '/api/v1/service-accounts', { name }],
      ['POST', '/api/v1/personal-access-tokens', { name, expiration_days: 1 }],
    ];
    for (const [method, path, body] of attempts) {
      const res = await api.request(method, path, { token: api.adminToken, body });
      expect({ path, status: res.status }).toEqual({ path, status: 422 });
      expect(res.json['errors']).toEqual([expect.objectContaining({ field: 'name' })]);
    }
  });

  it('with visible text around invisible characters are accepted, trimmed of outer whitespace', async () => {
    const res = await api.request('POST', '/api/v1/teams', { token: api.adminToken, body: { name: ' ops\u200dteam ', role: 'Member' } });
    expect(res.status).toBe(201);
    expect(res.json['name']).toBe('ops\u200dteam');
  });
});
