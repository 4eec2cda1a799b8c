// What any client can send: bodies, media types, broken JSON, unknown routes, bad credentials.
// Every answer is a problem+json 4xx, never a 5xx or a stack trace.
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { generateSecret } from '../../api/tokens/secret';
import { ManualClock } from '../../api/clock';
import { request, startTestApi, type TestApi } from '../support/api-server';

let fixture: TestApi<ManualClock>;

beforeAll(async () => {
  fixture = await startTestApi({ clock: new ManualClock(new Date('2026-01-15T10:00:00.000Z')) });
});

afterAll(async () => {
  await fixture?.stop();
});

const api = () => fixture;

function expectProblem(response: { status: number; headers: Headers; json: Record<string, unknown>; text: string }, status: number): void {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.json).toMatchObject({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String) });
  expect(response.text).not.toMatch(/\bat .+\.(ts|js):\d+/);
}

describe('request edges', () => {
  it('answers 413 for a 17 KiB body', async () => {
    const response = await api().request('POST', '/api/v1/personal-access-tokens', {
      token: fixture.adminToken,
      body: { name: 'x'.repeat(17 * 1024), expiration_days: 1 },
    });
    expectProblem(response, 413);
  });

  it('answers 400 for malformed JSON', async () => {
    const response = await api().request('POST', '/api/v1/personal-access-tokens', {
      token: fixture.adminToken,
      rawBody: '{"name": "x", "expiration_days": ',
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(response, 400);
  });

  it('answers 415 for a body that is not JSON', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const response = await api().request('POST', '/api/v1/personal-access-tokens', {
        token: fixture.adminToken,
        rawBody: 'name=x&expiration_days=1',
        headers: { 'content-type': type },
      });
      expectProblem(response, 415);
    }
    const latin1 = await api().request('POST', '/api/v1/personal-access-tokens', {
      token: fixture.adminToken,
      rawBody: '{"name":"x","expiration_days":1}',
      headers: { 'content-type': 'application/json; charset=iso-8859-1' },
    });
    expectProblem(latin1, 415);
  });

  it('answers 422 (not 500) for JSON that is not an object', async () => {
    for (const rawBody of ['[]', '"text"', '42', 'null']) {
      const response = await api().request('POST', '/api/v1/personal-access-tokens', {
        token: fixture.adminToken,
        rawBody,
        headers: { 'content-type': 'application/json' },
      });
      expectProblem(response, 422);
    }
  });

  it('answers unknown routes with a 404 problem', async () => {
    expectProblem(await api().request('GET', '/api/v1/nope', { token: fixture.adminToken }), 404);
    expectProblem(await api().request('GET', '/nope'), 404);
    const badEscape = await api().request('GET', '/api/v1/personal-access-tokens/%E0%A4%A', { token: fixture.adminToken });
    expect(badEscape.status).toBeGreaterThanOrEqual(400);
    expect(badEscape.status).toBeLessThan(500);
  });

  it('never answers 5xx to random bodies on every writing endpoint', async () => {
    const targets = [
      ['POST', '/api/v1/personal-access-tokens'],
      ['POST', '/api/v1/service-accounts'],
      ['POST', '/api/v1/users'],
      ['POST', '/api/v1/teams'],
      [
        'PATCH',
        `/api/v1/users/${randomBytes(16)
          .toString('hex')
          .replace(/(.{8})(.{4})(.{4})(.{4})(.{12})/, '$1-$2-$3-$4-$5')}`,
      ],
      ['POST', '/api/v1/collector/handshake'],
    ] as const;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...targets), fc.jsonValue(), async ([method, path], value) => {
        const response = await api().request(method, path, {
          token: fixture.adminToken,
          rawBody: JSON.stringify(value),
          headers: { 'content-type': 'application/json' },
        });
        expect(response.status).toBeLessThan(500);
      }),
      { numRuns: 120 },
    );
  });
});

/** Sends bytes as they are (no client library would send these) and reads until the server closes. */
function rawExchange(url: string, bytes: Buffer): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.end(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', reject);
  });
}

describe('requests the HTTP parser refuses before routing', () => {
  it.each([
    ['bytes a request line may not hold', 'GET /api/v1/personal-access-tokens/\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n', 400],
    ['a method no one defined', 'FOO /api/v1/%2e%2e/v1/me HTTP/1.1\r\nHost: x\r\n\r\n', 400],
    ['headers over the size limit', `GET /api/v1/me HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
  ])('%s: a problem+json %s, not a bare status line', async (_name, raw, status) => {
    const answer = await rawExchange(fixture.url, Buffer.from(raw, 'latin1'));
    const [head = '', body = ''] = answer.split('\r\n\r\n');
    expect(head).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
    expect(head).toMatch(/\r\nContent-Type: application\/problem\+json\r\n/i);
    expect(JSON.parse(body)).toMatchObject({ type: expect.stringMatching(/^urn:tessera:problem:/), status, detail: expect.any(String) });
  });

  it('answers HEAD with the headers only, so the client does not read a body as the next response', async () => {
    const answer = await rawExchange(
      fixture.url,
      Buffer.from('HEAD /api/v1/personal-access-tokens/\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n', 'latin1'),
    );
    expect(answer).toMatch(/^HTTP\/1.1 400 /);
    expect(answer.endsWith('\r\n\r\n')).toBe(true);
  });

  it('documents 400, 413 and 415 for operations without a body: any request may carry one, and a bad path too', async () => {
    const response = await api().request('GET', '/api/v1/personal-access-tokens/%zz', { token: fixture.adminToken });
    expectProblem(response, 400);
    const withBody = await api().request('DELETE', '/api/v1/personal-access-tokens/00000000-0000-4000-a000-000000000000', {
      token: fixture.adminToken,
      rawBody: 'x',
      headers: { 'content-type': 'text/plain' },
    });
    expectProblem(withBody, 415);
    const document = (await api().request('GET', '/api/v1/openapi.json')).json as {
      paths: Record<string, Record<string, { responses: object }>>;
    };
    for (const [, methods] of Object.entries(document.paths)) {
      for (const [, operation] of Object.entries(methods)) {
        if (typeof operation !== 'object' || !('operationId' in operation) || (operation as Record<string, unknown>)['x-outside-api-v1'])
          continue;
        expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['400', '413', '415']));
      }
    }
  });
});

describe('authentication failures', () => {
  it('answers every kind of bad credential with the same 401 body and WWW-Authenticate', async () => {
    const user = await fixture.createUserWithToken({ days: 1 });
    const revoked = await fixture.createUserWithToken();
    await api().request('DELETE', `/api/v1/personal-access-tokens/${revoked.tokenId}`, { token: revoked.token });
    const deactivated = await fixture.createUserWithToken();
    expect(
      (await api().request('PATCH', `/api/v1/users/${deactivated.id}`, { token: fixture.adminToken, body: { active: false } })).status,
    ).toBe(200);

    const cases: Array<[string, Record<string, string>]> = [
      ['missing', {}],
      ['malformed scheme', { authorization: `Token ${user.token}` }],
      ['malformed secret', { authorization: 'Bearer hello' }],
      ['bad checksum', { authorization: `Bearer ${user.token.slice(0, -1)}${user.token.endsWith('a') ? 'b' : 'a'}` }],
      ['unknown', { authorization: `Bearer ${generateSecret('personal_access_token')}` }],
      ['revoked', { authorization: `Bearer ${revoked.token}` }],
      ['deactivated', { 'api-token': deactivated.token }],
    ];
    const bodies = new Set<string>();
    for (const [, headers] of cases) {
      const response = await api().request('GET', '/api/v1/me', { headers });
      expectProblem(response, 401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      bodies.add(response.text);
    }
    const start = api().clock.now();
    api().clock.advance(24 * 60 * 60 * 1000);
    try {
      const expired = await api().request('GET', '/api/v1/me', { token: user.token });
      expectProblem(expired, 401);
      bodies.add(expired.text);
    } finally {
      api().clock.set(start);
    }
    expect(bodies.size).toBe(1);
  });

  it('refuses a bad checksum without a database lookup', async () => {
    const lookups = async () => (await fixture.tessera.metrics.tokenLookups.get()).values[0]?.value ?? 0;
    const before = await lookups();
    const secret = generateSecret('personal_access_token');
    const broken = `${secret.slice(0, -1)}${secret.endsWith('0') ? '1' : '0'}`;
    expect((await api().request('GET', '/api/v1/me', { token: broken })).status).toBe(401);
    expect(await lookups()).toBe(before);
    // A well-formed unknown secret does cost one lookup, which shows the counter counts.
    expect((await api().request('GET', '/api/v1/me', { token: secret })).status).toBe(401);
    expect(await lookups()).toBe(before + 1);
  });

  it('serves concurrent first uses of one token with a single database lookup', async () => {
    const user = await fixture.createUserWithToken();
    const lookups = async () => (await fixture.tessera.metrics.tokenLookups.get()).values[0]?.value ?? 0;
    const before = await lookups();
    const responses = await Promise.all(Array.from({ length: 20 }, () => api().request('GET', '/api/v1/me', { token: user.token })));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    // One lookup, plus at most a couple if the run is slow enough for the entry to age out.
    expect((await lookups()) - before).toBeLessThanOrEqual(3);
  });

  it('refuses a bad checksum even when the database is unreachable', async () => {
    const offline = await fixture.startAnotherInstance({ databaseUrl: 'postgres://nobody@127.0.0.1:1/none', authFailureLimit: 1000 });
    try {
      const secret = generateSecret('personal_access_token');
      const broken = `${secret.slice(0, -1)}${secret.endsWith('0') ? '1' : '0'}`;
      expectProblem(await offline.request('GET', '/api/v1/me', { token: broken }), 401);
      // With the database gone, a well-formed secret cannot be checked: 503, not 500.
      expectProblem(await offline.request('GET', '/api/v1/me', { token: secret }), 503);
      expect((await offline.request('GET', '/readyz')).status).toBe(503);
      expect((await offline.request('GET', '/healthz')).status).toBe(200);
    } finally {
      await offline.stop();
    }
  });

  it('records failed authentications as audit events', async () => {
    const unknown = generateSecret('personal_access_token');
    await api().request('GET', '/api/v1/me', { token: unknown });
    await fixture.tessera.flush();
    const events = await api().request('GET', '/api/v1/audit-events?action=authentication.failed', { token: fixture.adminToken });
    expect(events.status).toBe(200);
    const list = events.json['audit_events'] as Array<Record<string, unknown>>;
    expect(list.length).toBeGreaterThan(0);
    expect(list[0]).toMatchObject({
      action: 'authentication.failed',
      outcome: 'failure',
      source_ip: expect.any(String),
      details: { reason: expect.any(String) },
    });
    expect(JSON.stringify(list)).not.toContain(unknown);
  });

  it('rate limits repeated failures from one address with 429 and Retry-After, but never a valid token', async () => {
    const limited = await fixture.startAnotherInstance({ authFailureLimit: 5, authFailureWindowMs: 60_000 });
    try {
      for (let i = 0; i < 5; i++) {
        expect((await limited.request('GET', '/api/v1/me', { token: generateSecret('personal_access_token') })).status).toBe(401);
      }
      expect((await limited.request('GET', '/api/v1/me', { token: fixture.adminToken })).status).toBe(200);
      const blocked = await limited.request('GET', '/api/v1/me', { token: generateSecret('personal_access_token') });
      expectProblem(blocked, 429);
      const retryAfter = Number(blocked.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      // Public endpoints stay reachable.
      expect((await limited.request('GET', '/api/v1/token-policy')).status).toBe(200);
      // Another instance (another limiter) is unaffected.
      expect((await request(fixture.url, 'GET', '/api/v1/me', { token: fixture.adminToken })).status).toBe(200);
    } finally {
      await limited.stop();
    }
  });
});
