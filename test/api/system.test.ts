// Health, readiness, metrics and the OpenAPI document.
import { migrateLatest, pendingMigrations } from '../../api/db/migrate';
import { ManualClock } from '../../api/clock';
import { startTestApi, type TestApi } from '../support/api-server';

let fixture: TestApi<ManualClock>;

beforeAll(async () => {
  fixture = await startTestApi({ clock: new ManualClock(new Date('2026-01-15T10:00:00.000Z')) });
});

afterAll(async () => {
  await fixture?.stop();
});

describe('operations endpoints', () => {
  it('answers /healthz and /readyz', async () => {
    expect((await fixture.request('GET', '/healthz')).json).toEqual({ status: 'ok' });
    const ready = await fixture.request('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.json).toEqual({ status: 'ready' });
  });

  it('is not ready while migrations are pending, and ready once they are applied', async () => {
    const api = await startTestApi({ migrate: false });
    try {
      const before = await api.request('GET', '/readyz');
      expect(before.status).toBe(503);
      expect(before.json['detail']).toMatch(/migration/);
      expect(await migrateLatest(api.databaseUrl)).not.toEqual([]);
      expect(await pendingMigrations(api.databaseUrl)).toEqual([]);
      // A second run is a no-op.
      expect(await migrateLatest(api.databaseUrl)).toEqual([]);
      expect((await api.request('GET', '/readyz')).status).toBe(200);
    } finally {
      await api.stop();
    }
  });

  it('exposes Prometheus metrics that count requests and failures', async () => {
    await fixture.request('GET', '/api/v1/me', { token: fixture.adminToken });
    await fixture.request('GET', '/api/v1/me', { token: 'tspat_nope' });
    const metrics = await fixture.request('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(metrics.text).toMatch(/tessera_http_requests_total\{method="GET",route="\/api\/v1\/me",status="200"\} \d+/);
    expect(metrics.text).toMatch(/tessera_auth_failures_total\{reason="malformed"\} \d+/);
    expect(metrics.text).toContain('process_cpu_seconds_total');
  });
});

describe('OpenAPI document', () => {
  it('is OpenAPI 3.1 and documents every endpoint of the contract', async () => {
    const response = await fixture.request('GET', '/api/v1/openapi.json');
    expect(response.status).toBe(200);
    const document = response.json as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(document.openapi).toBe('3.1.0');
    const expected: Array<[string, string]> = [
      ['/me', 'get'],
      ['/personal-access-tokens', 'post'],
      ['/personal-access-tokens', 'get'],
      ['/personal-access-tokens', 'delete'],
      ['/personal-access-tokens/{id}', 'get'],
      ['/personal-access-tokens/{id}', 'delete'],
      ['/users/{id}/personal-access-tokens', 'get'],
      ['/users/{id}/personal-access-tokens', 'delete'],
      ['/service-accounts', 'post'],
      ['/service-accounts', 'get'],
      ['/service-accounts/{id}', 'get'],
      ['/service-accounts/{id}', 'delete'],
      ['/users', 'post'],
      ['/users', 'get'],
      ['/users/{id}', 'get'],
      ['/users/{id}', 'patch'],
      ['/teams', 'post'],
      ['/teams', 'get'],
      ['/teams/{id}/members/{user_id}', 'put'],
      ['/teams/{id}/members/{user_id}', 'delete'],
      ['/collector/handshake', 'post'],
      ['/audit-events', 'get'],
      ['/token-policy', 'get'],
      ['/openapi.json', 'get'],
    ];
    for (const [path, method] of expected) expect(document.paths[path]?.[method]).toBeDefined();
    // Every $ref points at a schema that exists.
    const schemas = (response.json['components'] as { schemas: Record<string, unknown> }).schemas;
    for (const [, name] of response.text.matchAll(/"#\/components\/schemas\/([A-Za-z]+)"/g)) expect(schemas).toHaveProperty(name as string);
  });

  it('describes the session endpoints, which every instance mounts like any other feature', async () => {
    const response = await fixture.request('GET', '/api/v1/openapi.json');
    const paths = response.json['paths'] as Record<string, Record<string, unknown>>;
    expect(Object.keys(paths['/sessions'] ?? {})).toEqual(['post']);
    expect(Object.keys(paths['/sessions/current'] ?? {}).sort()).toEqual(['delete', 'get']);
    const signIn = await fixture.request('POST', '/api/v1/sessions', { body: { email: 'nobody@example.com', password: 'x' } });
    expect(signIn.status).toBe(401);
  });

  it("states the operator's lowered maximum", async () => {
    const lowered = await fixture.startAnotherInstance({ patMaxDays: 7 });
    try {
      const policy = await lowered.request('GET', '/api/v1/token-policy');
      expect(policy.json).toEqual({ personal_access_token: { min_expiration_days: 1, max_expiration_days: 7 } });
      const document = await lowered.request('GET', '/api/v1/openapi.json');
      expect(document.text).toContain('"maximum":7');
      const tooLong = await lowered.request('POST', '/api/v1/personal-access-tokens', {
        token: fixture.adminToken,
        body: { name: 'x', expiration_days: 8 },
      });
      expect(tooLong.status).toBe(422);
    } finally {
      await lowered.stop();
    }
  });
});
