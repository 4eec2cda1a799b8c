// The served OpenAPI document and the routes agree: every route the Express app has is an
// operation of the document (or one of the documented endpoints outside /api/v1) and every
// operation is a route; every operation, called without credentials, answers with a status the
// document lists for it; every method a path lacks is a 405 naming the ones it has.
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { apiOperations } from '../../api/contract';
import { startTestApi, type TestApi } from '../support/api-server';

let fixture: TestApi;
let document: {
  paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>;
  'x-outside-api-v1': Record<string, string>;
};

beforeAll(async () => {
  fixture = await startTestApi();
  document = (await fixture.request('GET', '/api/v1/openapi.json')).json as typeof document;
});

afterAll(async () => {
  await fixture?.stop();
});

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const expressPath = (path: string): string => path.replace(/\{([^}]+)\}/g, ':$1');
const concrete = (path: string): string => path.replace(/\{[^}]+\}/g, () => randomUUID());

interface RouteLayer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: RouteLayer[] };
  match(path: string): boolean;
}

/** (METHOD path) of every route in a router, descending into mounted routers. */
function routesOf(stack: RouteLayer[], prefix = ''): string[] {
  const found: string[] = [];
  for (const layer of stack) {
    if (layer.route) {
      for (const [method, on] of Object.entries(layer.route.methods))
        if (on && method !== '_all') found.push(`${method.toUpperCase()} ${prefix}${layer.route.path}`);
    } else if (layer.handle?.stack) {
      // A router mounted at the root matches every path; the API's, mounted at /api/v1, not '/'.
      found.push(...routesOf(layer.handle.stack, layer.match('/') ? prefix : '/api/v1'));
    }
  }
  return found;
}

describe('the OpenAPI document and the routes', () => {
  it('list the same operations', () => {
    const documented = new Set<string>();
    for (const [path, item] of Object.entries(document.paths)) {
      for (const method of Object.keys(item)) documented.add(`${method.toUpperCase()} /api/v1${expressPath(path)}`);
    }
    for (const path of Object.keys(document['x-outside-api-v1'])) documented.add(`GET ${expressPath(path)}`);
    const app = fixture.tessera.app as unknown as { router: { stack: RouteLayer[] } };
    const routed = new Set(routesOf(app.router.stack));
    expect([...routed].filter((route) => !documented.has(route))).toEqual([]);
    expect([...documented].filter((route) => !routed.has(route))).toEqual([]);
  });

  it('every operation, called without credentials, answers with a status it documents', async () => {
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const response = await fixture.request(method.toUpperCase(), `/api/v1${concrete(path)}`);
        expect({
          operation: `${method} ${path}`,
          status: response.status,
          documented: Object.keys(operation.responses).includes(String(response.status)),
        }).toEqual({
          operation: `${method} ${path}`,
          status: response.status,
          documented: true,
        });
        // Only the public endpoints answer a caller with no credential.
        if (operation.security?.length !== 0) expect(response.status).toBe(401);
      }
    }
  });

  it('answers a method a path does not have with 405 and Allow, and OPTIONS with Allow', async () => {
    for (const [path, item] of Object.entries(document.paths)) {
      const documented = Object.keys(item).map((m) => m.toUpperCase());
      const allow = [...documented, ...(documented.includes('GET') ? ['HEAD'] : []), 'OPTIONS'].sort();
      for (const method of METHODS.filter((m) => !(m in item))) {
        const response = await fixture.request(method.toUpperCase(), `/api/v1${concrete(path)}`, { token: fixture.adminToken });
        expect({ path, method, status: response.status }).toEqual({ path, method, status: 405 });
        expect(response.headers.get('content-type')).toBe('application/problem+json');
        expect(response.json['type']).toBe('urn:tessera:problem:method-not-allowed');
        expect((response.headers.get('allow') ?? '').split(', ').sort()).toEqual(allow);
      }
      const options = await fixture.request('OPTIONS', `/api/v1${concrete(path)}`);
      expect(options.status).toBe(204);
      expect((options.headers.get('allow') ?? '').split(', ').sort()).toEqual(allow);
    }
    // An unknown path is still a 404, whatever the method.
    expect((await fixture.request('PUT', '/api/v1/no-such-thing', { token: fixture.adminToken })).status).toBe(404);
  });
});

describe('responses', () => {
  const operations = apiOperations({ patMaxDays: 30 });

  /** Parses a response with the contract's schema for it; unknown fields would be stripped, so equality proves there are none. */
  function conforms(operationId: string, status: number, body: unknown): void {
    const schema = operations.find((o) => o.operationId === operationId)?.responses[status]?.body as z.ZodType | undefined;
    if (!schema) throw new Error(`no ${status} response for ${operationId}`);
    const parsed = schema.safeParse(body);
    expect({ operationId, issues: parsed.success ? [] : parsed.error.issues }).toEqual({ operationId, issues: [] });
    expect(parsed.data).toEqual(body);
  }

  it('match the schemas of the contract, field for field', async () => {
    const api = fixture;
    const token = fixture.adminToken;
    const call = async (operationId: string, method: string, path: string, body?: unknown) => {
      const response = await api.request(method, path, { token, ...(body === undefined ? {} : { body }) });
      conforms(operationId, response.status, response.json);
      return response.json;
    };
    await call('getMe', 'GET', '/api/v1/me');
    const pat = await call('createPersonalAccessToken', 'POST', '/api/v1/personal-access-tokens', { name: 'drift', expiration_days: 2 });
    await call('getPersonalAccessToken', 'GET', `/api/v1/personal-access-tokens/${String(pat['id'])}`);
    await call('listPersonalAccessTokens', 'GET', '/api/v1/personal-access-tokens');
    const user = await call('createUser', 'POST', '/api/v1/users', { email: `drift-${randomUUID()}@example.com`, name: 'Drift' });
    await call('updateUser', 'PATCH', `/api/v1/users/${String(user['id'])}`, { name: 'Drift 2' });
    await call('listUsers', 'GET', '/api/v1/users?page_size=2');
    const team = await call('createTeam', 'POST', '/api/v1/teams', { name: `drift-${randomUUID()}`, role: 'Member' });
    await api.request('PUT', `/api/v1/teams/${String(team['id'])}/members/${String(user['id'])}`, { token });
    await call('getTeam', 'GET', `/api/v1/teams/${String(team['id'])}`);
    await call('getUser', 'GET', `/api/v1/users/${String(user['id'])}`);
    await call('listTeams', 'GET', '/api/v1/teams');
    const account = await call('createServiceAccount', 'POST', '/api/v1/service-accounts', { name: 'drift', expiration_days: 5 });
    await call('getServiceAccount', 'GET', `/api/v1/service-accounts/${String(account['id'])}`);
    await call('listServiceAccounts', 'GET', '/api/v1/service-accounts');
    const handshake = await api.request('POST', '/api/v1/collector/handshake', { token: account['token'] as string });
    conforms('collectorHandshake', handshake.status, handshake.json);
    await call('listAuditEvents', 'GET', '/api/v1/audit-events?page_size=50');
    await call('getTokenPolicy', 'GET', '/api/v1/token-policy');
    await call('listUserPersonalAccessTokens', 'GET', `/api/v1/users/${String(user['id'])}/personal-access-tokens`);
    const invalid = await api.request('POST', '/api/v1/teams', { token, body: { name: '', role: 'Boss', extra: 1 } });
    conforms('createTeam', 422, invalid.json);
  });
});
