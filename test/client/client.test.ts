// The shared typed client against a real API on a real PostgreSQL: typed calls, problem+json
// turned into ApiError, the Idempotency-Key replay, a lost answer retried without a second token,
// a refused connection named, and the generated types kept in step with the OpenAPI document.
import { execFile } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { ApiError, createClient, fetchTransport, NetworkError, newIdempotencyKey, type Exchange, type TesseraClient } from '../../client';
import { nodeTransport, type NodeTransport } from '../../client/node-transport';
import { startTestApi, type TestApi } from '../support/api-server';
import { startFaultProxy } from '../support/fault-proxy';
import { loseFirstCreate } from './lose-first-create';

const REPO = path.resolve(__dirname, '../..');
let api: TestApi;
let transport: NodeTransport;
let client: TesseraClient;

beforeAll(async () => {
  api = await startTestApi();
  transport = nodeTransport();
  client = createClient({ endpoint: api.url, token: api.adminToken, transport });
});

afterAll(async () => {
  transport?.close();
  await api?.stop();
});

test('typed calls reach the API and return its JSON', async () => {
  const me = await client.get('/me');
  expect(me.email).toBe('admin@tessera.localhost');
  expect(me.teams.map((team) => team.role)).toContain('SysAdmin');

  const created = await client.post('/personal-access-tokens', { body: { name: 'client test', expiration_days: 2 } });
  expect(created.token).toMatch(/^tspat_/);
  const fetched = await client.get('/personal-access-tokens/{id}', { path: { id: created.id } });
  expect(fetched).toMatchObject({ id: created.id, name: 'client test', last_used_at: null });
  const listed = await client.all('/personal-access-tokens', 'personal_access_tokens');
  expect(listed.map((token) => token.id)).toContain(created.id);
  await expect(client.delete('/personal-access-tokens/{id}', { path: { id: created.id } })).resolves.toBeUndefined();
});

test('the fetch transport gives the same answers', async () => {
  const viaFetch = createClient({ endpoint: `${api.url}/`, token: api.adminToken, transport: fetchTransport() });
  expect((await viaFetch.get('/token-policy')).personal_access_token?.max_expiration_days).toBe(30);
  expect((await viaFetch.get('/me')).email).toBe('admin@tessera.localhost');
});

test('every page of a listing is collected', async () => {
  const names = ['page one', 'page two', 'page three'];
  for (const name of names) await client.post('/personal-access-tokens', { body: { name, expiration_days: 1 } });
  const seen: number[] = [];
  for await (const page of client.pages('/personal-access-tokens', { query: { page_size: 1 } }))
    seen.push(page.personal_access_tokens.length);
  expect(seen.length).toBeGreaterThanOrEqual(4); // the admin's own token and three more, one per page
  expect(seen.every((count) => count <= 1)).toBe(true);
});

test('a refusal becomes an ApiError with the problem fields', async () => {
  const missing = await client
    .get('/personal-access-tokens/{id}', { path: { id: '00000000-0000-4000-8000-000000000000' } })
    .catch((error: unknown) => error);
  expect(missing).toBeInstanceOf(ApiError);
  expect(missing).toMatchObject({ status: 404, type: expect.stringMatching(/^urn:tessera:problem:/) });

  const invalid = await client
    .post('/personal-access-tokens', { body: { name: '', expiration_days: 99 } })
    .catch((error: unknown) => error);
  expect(invalid).toBeInstanceOf(ApiError);
  const error = invalid as ApiError;
  expect(error.status).toBe(422);
  expect(error.errors.map((field) => field.field).sort()).toEqual(['expiration_days', 'name']);

  const anonymous = createClient({ endpoint: api.url, transport });
  await expect(anonymous.get('/me')).rejects.toMatchObject({ status: 401, title: expect.any(String), detail: expect.any(String) });
});

test('the same Idempotency-Key yields the same token', async () => {
  const key = newIdempotencyKey();
  const init = { body: { name: 'keyed', expiration_days: 3 }, header: { 'Idempotency-Key': key } };
  const first = await client.post('/personal-access-tokens', init);
  const second = await client.post('/personal-access-tokens', init);
  expect(second.id).toBe(first.id);
  expect(second.token).toBe(first.token);
});

test('a keyed create whose answer was lost is retried and makes one token', async () => {
  const proxy = await startFaultProxy(api.url, loseFirstCreate());
  try {
    const exchanges: Exchange[] = [];
    const flaky = createClient({
      endpoint: proxy.url,
      token: api.adminToken,
      transport: nodeTransport(),
      retryDelayMs: 10,
      onExchange: (e) => exchanges.push(e),
    });
    const name = `retried ${newIdempotencyKey()}`;
    const created = await flaky.post('/personal-access-tokens', {
      body: { name, expiration_days: 1 },
      header: { 'Idempotency-Key': newIdempotencyKey() },
    });
    expect(proxy.requests.map((r) => r.mode)).toEqual(['forward-reset', 'forward']);
    expect(exchanges.map((e) => (e.error ? `error ${e.error.code}` : e.response?.status))).toEqual(['error ECONNRESET', 201]);
    expect(exchanges[1]?.response?.headers['idempotent-replayed']).toBe('true');
    const mine = await client.all('/personal-access-tokens', 'personal_access_tokens');
    expect(mine.filter((token) => token.name === name).map((token) => token.id)).toEqual([created.id]);
  } finally {
    await proxy.stop();
  }
});

test('an unkeyed create is not repeated after a lost answer', async () => {
  const proxy = await startFaultProxy(api.url, loseFirstCreate());
  try {
    const flaky = createClient({ endpoint: proxy.url, token: api.adminToken, transport: nodeTransport(), retryDelayMs: 10 });
    const failure = await flaky
      .post('/personal-access-tokens', { body: { name: 'unkeyed', expiration_days: 1 } })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(NetworkError);
    expect((failure as NetworkError).url).toBe(`${proxy.url}/api/v1/personal-access-tokens`);
    expect(proxy.requests).toHaveLength(1);
  } finally {
    await proxy.stop();
  }
});

test('a refused connection is a NetworkError naming the URL', async () => {
  const port = await closedPort();
  const offline = createClient({ endpoint: `http://127.0.0.1:${port}`, token: api.adminToken, transport: nodeTransport() });
  const failure = await offline.get('/me').catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(NetworkError);
  expect(failure).toMatchObject({ code: 'ECONNREFUSED', url: `http://127.0.0.1:${port}/api/v1/me` });
});

test('client/generated/api.ts matches the OpenAPI document', async () => {
  const tsx = path.join(REPO, 'node_modules', '.bin', 'tsx');
  await expect(
    promisify(execFile)(tsx, ['scripts/contract-generate.ts', '--check'], { cwd: REPO, timeout: 120_000 }),
  ).resolves.toBeDefined();
}, 120_000);

// Compile-time checks (tsc runs over the tests): the client refuses calls the document does not allow.
export async function typeChecks(typed: TesseraClient): Promise<void> {
  // @ts-expect-error the path parameter is required
  await typed.get('/personal-access-tokens/{id}');
  // @ts-expect-error the body is required
  await typed.post('/personal-access-tokens', {});
  // @ts-expect-error name is a string
  await typed.post('/personal-access-tokens', { body: { name: 1, expiration_days: 3 } });
  // @ts-expect-error no such path
  await typed.get('/no-such-path');
  // @ts-expect-error a page of users has no "teams"
  await typed.all('/users', 'teams');
  const secret: string = (await typed.post('/service-accounts', { body: { name: 'svc' } })).token;
  void secret;
}

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
