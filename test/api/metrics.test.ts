// /metrics as an operator scrapes it: route labels that name the matched route whatever the
// outcome, an optional bearer token, and the nosniff header on every response.
import { randomBytes } from 'node:crypto';
import { startTestApi, type TestApi } from '../support/api-server';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});

afterAll(async () => {
  await api?.stop();
});

/** route label → statuses seen, from tessera_http_requests_total */
function routeLabels(text: string): Map<string, Set<string>> {
  const labels = new Map<string, Set<string>>();
  for (const match of text.matchAll(/^tessera_http_requests_total\{method="[A-Z]+",route="([^"]*)",status="(\d+)"\}/gm)) {
    const route = match[1] as string;
    labels.set(route, (labels.get(route) ?? new Set()).add(match[2] as string));
  }
  return labels;
}

describe('route labels', () => {
  it('are the matched route template, whatever the status', async () => {
    const team = await api.request('POST', '/api/v1/teams', { token: api.adminToken, body: { name: 'labelled', role: 'Member' } });
    expect(team.status).toBe(201);
    const id = String(team.json['id']);
    const missing = '0b9c3a9e-6a43-4a63-9a52-6a9d0f1c2b3d';
    const outcomes: [string, string, Parameters<TestApi['request']>[2], number][] = [
      ['GET', `/api/v1/teams/${id}`, { token: api.adminToken }, 200],
      ['GET', `/api/v1/teams/${missing}`, { token: api.adminToken }, 404],
      ['GET', '/api/v1/teams/not-a-uuid', { token: api.adminToken }, 404],
      ['GET', `/api/v1/teams/${id}`, {}, 401],
      ['PATCH', `/api/v1/teams/${id}`, { token: api.adminToken, body: { role: 'Nobody' } }, 422],
      ['PUT', `/api/v1/teams/${id}`, { token: api.adminToken, body: {} }, 405],
      [
        'POST',
        '/api/v1/teams',
        { token: api.adminToken, body: { name: 'x', role: 'Member' }, headers: { 'content-type': 'text/plain' } },
        415,
      ],
      ['GET', '/api/v1/teams?page_size=0', { token: api.adminToken }, 422],
    ];
    for (const [method, path, options, status] of outcomes) {
      expect({ method, path, status: (await api.request(method, path, options)).status }).toEqual({ method, path, status });
    }
    // A malformed JSON body is refused before routing; it still belongs to its route.
    const malformed = await fetch(`${api.url}/api/v1/teams`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.adminToken}`, 'content-type': 'application/json' },
      body: '{"name":',
    });
    expect(malformed.status).toBe(400);
    expect((await api.request('GET', '/api/v1/no-such-thing', { token: api.adminToken })).status).toBe(404);

    const labels = routeLabels((await api.request('GET', '/metrics')).text);
    const teamLabels = [...labels.keys()].filter((route) => route.includes('teams'));
    expect(teamLabels.sort()).toEqual(['/api/v1/teams', '/api/v1/teams/:id']);
    expect([...(labels.get('/api/v1/teams/:id') ?? [])].sort()).toEqual(['200', '401', '404', '405', '422']);
    expect([...(labels.get('/api/v1/teams') ?? [])].sort()).toEqual(['201', '400', '415', '422']);
    // Paths that match no route share one label, so a scanner cannot grow the series without bound.
    expect([...labels.keys()].some((route) => route.includes('no-such-thing'))).toBe(false);
    expect(labels.get('unmatched')?.has('404')).toBe(true);
  });
});

describe('the metrics token', () => {
  it('is not required when none is configured', async () => {
    expect((await api.request('GET', '/metrics')).status).toBe(200);
  });

  it('when configured, /metrics answers 401 problem+json without the right bearer token and 200 with it', async () => {
    const metricsToken = randomBytes(24).toString('hex');
    const other = await api.startAnotherInstance({ metricsToken });
    const attempts: Record<string, string>[] = [
      {},
      { authorization: '' },
      { authorization: `Bearer ${metricsToken.slice(0, -1)}` },
      { authorization: `Bearer ${metricsToken}x` },
      { authorization: `Basic ${Buffer.from(`x:${metricsToken}`).toString('base64')}` },
      { authorization: `Bearer ${api.adminToken}` },
      { authorization: metricsToken },
    ];
    for (const headers of attempts) {
      const res = await other.request('GET', '/metrics', { headers });
      expect({ headers, status: res.status }).toEqual({ headers, status: 401 });
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(res.text).not.toContain('tessera_http_requests_total');
      expect(res.text).not.toContain(metricsToken);
    }
    const ok = await other.request('GET', '/metrics', { headers: { authorization: `Bearer ${metricsToken}` } });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('tessera_http_requests_total');
    // The API itself is unaffected.
    expect((await other.request('GET', '/api/v1/me', { token: api.adminToken })).status).toBe(200);
    expect(other.logs.join('')).not.toContain(metricsToken);
  });

  it('is read from TESSERA_METRICS_TOKEN by npm start', async () => {
    const metricsToken = randomBytes(24).toString('hex');
    const child = await api.startAnotherInstance({ mode: 'process', env: { TESSERA_METRICS_TOKEN: metricsToken } });
    expect((await child.request('GET', '/metrics')).status).toBe(401);
    expect((await child.request('GET', '/metrics', { headers: { authorization: `Bearer ${metricsToken}` } })).status).toBe(200);
  });
});

describe('X-Content-Type-Options', () => {
  it('is nosniff on every kind of response', async () => {
    const responses = [
      await api.request('GET', '/api/v1/me', { token: api.adminToken }),
      await api.request('GET', '/api/v1/me'),
      await api.request('GET', '/api/v1/openapi.json'),
      await api.request('GET', '/api/v1/no-such-thing'),
      await api.request('POST', '/api/v1/teams', { token: api.adminToken, body: {} }),
      await api.request('OPTIONS', '/api/v1/teams'),
      await api.request('GET', '/healthz'),
      await api.request('GET', '/metrics'),
      await api.request('GET', '/.well-known/terraform.json'),
    ];
    for (const res of responses)
      expect({ url: res.status, nosniff: res.headers.get('x-content-type-options') }).toEqual({ url: res.status, nosniff: 'nosniff' });
  });
});
