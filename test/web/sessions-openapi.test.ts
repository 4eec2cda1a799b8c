// The session endpoints as the OpenAPI document describes them, merged into the API's document.
import { openApiDocument } from '../../api/openapi/document';
import { withSessionsOpenApi } from '../../api/sessions';
import { startTestApi, type TestApi } from '../support/api-server';

describe('OpenAPI for sessions', () => {
  const merged = withSessionsOpenApi(openApiDocument({ patMaxDays: 30 })) as {
    paths: Record<string, Record<string, { security?: unknown[] }>>;
    components: { securitySchemes: Record<string, { in?: string; name?: string }>; schemas: Record<string, unknown> };
    security: unknown[];
  };

  test('adds /sessions and /sessions/current without dropping any existing path', () => {
    const original = openApiDocument({ patMaxDays: 30 }) as { paths: Record<string, unknown> };
    for (const path of Object.keys(original.paths)) expect(merged.paths).toHaveProperty([path]);
    expect(Object.keys(merged.paths['/sessions'] ?? {})).toEqual(['post']);
    expect(Object.keys(merged.paths['/sessions/current'] ?? {}).sort()).toEqual(['delete', 'get']);
    expect(merged.paths['/sessions']?.['post']?.security).toEqual([]);
  });

  test('the cookie is a security scheme and every $ref points at a schema that exists', () => {
    expect(merged.components.securitySchemes['session']).toMatchObject({ in: 'cookie', name: 'tessera_session' });
    expect(merged.security).toContainEqual({ session: [] });
    const refs = JSON.stringify(merged).match(/#\/components\/schemas\/[A-Za-z]+/g) ?? [];
    for (const ref of new Set(refs)) expect(merged.components.schemas).toHaveProperty([ref.split('/').pop() as string]);
  });
});

describe('the served OpenAPI document', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ webPage: true });
  });
  afterAll(async () => {
    await api.stop();
  });

  test('GET /api/v1/openapi.json of an instance composed like npm start describes the session endpoints', async () => {
    const response = await fetch(`${api.url}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/sessions', '/sessions/current', '/me']));
  });
});
