// The client against a real local HTTP server that misbehaves on purpose: these are the
// failures a real API behind a proxy produces, served over real sockets.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { attemptSignal, TesseraClient } from './client';
import { TesseraAbortedError, TesseraApiError, TesseraConnectionError, TesseraTimeoutError } from './errors';
import { PROVIDER_VERSION, providerUserAgent } from './version';

// Token-shaped values are assembled at run time: no literal that secret scanners would flag.
const secret = ['tspat', 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcd000000'].join('_');

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

type Handler = (req: IncomingMessage, res: ServerResponse, seen: Seen, index: number) => void;

async function serve(handlers: Handler[]): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const entry: Seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, at: Date.now() };
      seen.push(entry);
      const handler = handlers[Math.min(seen.length - 1, handlers.length - 1)];
      if (handler) handler(req, res, entry, seen.length - 1);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  servers.push(server);
  return { url: `http://127.0.0.1:${port}`, seen, server };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const contentType = status >= 400 ? 'application/problem+json' : 'application/json';
  res.writeHead(status, { 'Content-Type': contentType, ...headers });
  res.end(JSON.stringify(body));
}

const created = {
  id: 'tok_1',
  name: 'ci',
  token: ['tspat', '0123456789012345678901234567890ABCDE'].join('_'),
  token_hint: 'tspat_…BCDE',
  expiration_days: 7,
  created_at: '2026-11-28T06:00:00Z',
  expires_at: '2026-12-05T06:00:00Z',
  created_via: null,
  client_reference: null,
};

const fastRetry = { baseDelayMs: 20, maxDelayMs: 100 };

describe('TesseraClient', () => {
  it('sends the CLI version in the User-Agent without the characters a header may not hold', async () => {
    // ConfigureProvider carries the version as any string; a control character in it once made
    // every request fail as "cannot reach the API" after retries.
    const api = await serve([(_req, res) => json(res, 200, { user: null })]);
    const client = new TesseraClient({
      endpoint: api.url,
      token: secret,
      retry: fastRetry,
      userAgent: providerUserAgent('1.11.4\n\u0012\u0003 x'),
    });
    // Only what was sent matters here, not the (incomplete) answer.
    await client.getMe().catch(() => undefined);
    expect(api.seen).toHaveLength(1);
    expect(api.seen[0]?.headers['user-agent']).toBe(`terraform-provider-tessera/${PROVIDER_VERSION} terraform/1.11.4x`);
    expect(providerUserAgent('\u0000')).toBe(`terraform-provider-tessera/${PROVIDER_VERSION} terraform/unknown`);
  });

  it('retries a create after 503 with the same Idempotency-Key and returns the 201 body', async () => {
    const api = await serve([
      (_req, res) => json(res, 503, { title: 'Service Unavailable', status: 503 }),
      (_req, res) => json(res, 201, created),
    ]);
    const client = new TesseraClient({ endpoint: api.url, token: secret, retry: fastRetry });
    const result = await client.createPersonalAccessToken({ name: 'ci', expiration_days: 7 });
    expect(result.id).toBe('tok_1');
    expect(api.seen).toHaveLength(2);
    const keys = api.seen.map((s) => s.headers['idempotency-key']);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(api.seen[0]?.headers.authorization).toBe(`Bearer ${secret}`);
    expect(JSON.parse(api.seen[1]?.body ?? '')).toEqual({ name: 'ci', expiration_days: 7 });
  });

  it('gives each create call its own Idempotency-Key', async () => {
    const api = await serve([(_req, res) => json(res, 201, created)]);
    const client = new TesseraClient({ endpoint: api.url, token: secret });
    await client.createPersonalAccessToken({ name: 'a', expiration_days: 1 });
    await client.createPersonalAccessToken({ name: 'b', expiration_days: 1 });
    expect(api.seen[0]?.headers['idempotency-key']).not.toBe(api.seen[1]?.headers['idempotency-key']);
  });

  it('waits at least Retry-After on 429 before retrying', async () => {
    const api = await serve([
      (_req, res) => json(res, 429, { title: 'Too Many Requests', status: 429 }, { 'Retry-After': '1' }),
      (_req, res) => json(res, 200, { personal_access_token: { min_expiration_days: 1, max_expiration_days: 30 } }),
    ]);
    const client = new TesseraClient({ endpoint: api.url, token: secret, retry: fastRetry });
    const policy = await client.getTokenPolicy();
    expect(policy.personal_access_token.max_expiration_days).toBe(30);
    const [first, second] = api.seen;
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(990);
  });

  it('retries when the server resets the connection', async () => {
    const api = await serve([
      (req) => req.socket.destroy(),
      (_req, res) =>
        json(res, 200, {
          id: 'u1',
          email: 'a@b',
          name: 'A',
          teams: [],
          authenticated_by: { type: 'personal_access_token', token_id: 'tok_1', expires_at: '2026-12-05T06:00:00Z' },
        }),
    ]);
    const client = new TesseraClient({ endpoint: api.url, token: secret, retry: fastRetry });
    const me = await client.getMe();
    expect(me.email).toBe('a@b');
    expect(api.seen).toHaveLength(2);
  });

  it('retries 502 and 504 and gives up after maxRetries with the last problem', async () => {
    const api = await serve([
      (_req, res) => json(res, 502, { title: 'Bad Gateway', status: 502 }),
      (_req, res) => json(res, 504, { title: 'Gateway Timeout', status: 504, detail: 'upstream slow' }),
    ]);
    const client = new TesseraClient({ endpoint: api.url, token: secret, retry: { ...fastRetry, maxRetries: 2 } });
    const failure = await client.getMe().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TesseraApiError);
    expect((failure as TesseraApiError).status).toBe(504);
    expect((failure as TesseraApiError).detail).toBe('upstream slow');
    expect(api.seen).toHaveLength(3);
  });

  it('does not retry a 422 and carries detail and errors[] into the error, never the secret', async () => {
    const api = await serve([
      (_req, res) =>
        json(res, 422, {
          type: 'about:blank',
          title: 'Unprocessable Content',
          status: 422,
          detail: 'expiration_days must be at most 30',
          errors: [{ field: 'expiration_days', message: 'must be at most 30' }],
        }),
    ]);
    const client = new TesseraClient({ endpoint: api.url, token: secret, retry: fastRetry });
    const failure = await client.createPersonalAccessToken({ name: 'x', expiration_days: 31 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TesseraApiError);
    const apiError = failure as TesseraApiError;
    expect(apiError.status).toBe(422);
    expect(apiError.detail).toBe('expiration_days must be at most 30');
    expect(apiError.fieldErrors).toEqual([{ field: 'expiration_days', message: 'must be at most 30' }]);
    expect(apiError.message).toContain('expiration_days must be at most 30');
    expect(apiError.message).not.toContain(secret);
    expect(JSON.stringify(apiError)).not.toContain(secret);
    expect(api.seen).toHaveLength(1);
  });

  it('treats 404 on read as gone and on revoke as already revoked', async () => {
    const api = await serve([(_req, res) => json(res, 404, { title: 'Not Found', status: 404 })]);
    const client = new TesseraClient({ endpoint: api.url, token: secret });
    await expect(client.getPersonalAccessToken('tok_x')).resolves.toBeNull();
    await expect(client.revokePersonalAccessToken('tok_x')).resolves.toBe(false);
    expect(api.seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'GET /api/v1/personal-access-tokens/tok_x',
      'DELETE /api/v1/personal-access-tokens/tok_x',
    ]);
  });

  it('follows next_page_token through every page', async () => {
    const meta = (id: string) => ({
      id,
      name: id,
      token_hint: 'tspat_…abcd',
      expiration_days: 7,
      created_at: created.created_at,
      expires_at: created.expires_at,
      last_used_at: null,
      created_via: null,
      client_reference: null,
    });
    const api = await serve([
      (_req, res) => json(res, 200, { personal_access_tokens: [meta('a'), meta('b')], next_page_token: 'p2' }),
      (_req, res) => json(res, 200, { personal_access_tokens: [meta('c')], next_page_token: null }),
    ]);
    const client = new TesseraClient({ endpoint: api.url, token: secret });
    const tokens = await client.listPersonalAccessTokens();
    expect(tokens.map((t) => t.id)).toEqual(['a', 'b', 'c']);
    expect(api.seen[1]?.url).toContain('page_token=p2');
  });

  it('names the endpoint when the connection is refused', async () => {
    const api = await serve([]);
    const url = api.url;
    api.server.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const client = new TesseraClient({ endpoint: url, token: secret, retry: { ...fastRetry, maxRetries: 1 } });
    const failure = await client.getMe().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TesseraConnectionError);
    expect((failure as Error).message).toMatch(
      new RegExp(`^cannot reach the Tessera API at ${url}: connection refused \\(2 attempts in \\d+\\.\\d s\\)$`),
    );
  });

  it('times out each attempt and reports the timeout', async () => {
    const api = await serve([() => undefined]); // never answers
    const client = new TesseraClient({ endpoint: api.url, token: secret, timeoutMs: 150, retry: { ...fastRetry, maxRetries: 1 } });
    const started = Date.now();
    const failure = await client.getMe().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TesseraTimeoutError);
    expect(api.seen).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('ends the whole operation at its deadline, retries included, naming attempts and elapsed time', async () => {
    const api = await serve([() => undefined]); // never answers
    const client = new TesseraClient({
      endpoint: api.url,
      token: secret,
      timeoutMs: 400,
      requestTimeoutMs: 1_000,
      requestTimeoutLabel: '1s (test)',
      retry: { ...fastRetry, maxRetries: 10 },
    });
    const started = Date.now();
    const failure = await client.getMe().catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(failure).toBeInstanceOf(TesseraTimeoutError);
    expect((failure as Error).message).toMatch(
      new RegExp(`^the Tessera API at ${api.url} gave no answer within the request timeout of 1s \\(test\\): [23] attempts in 1\\.\\d s$`),
    );
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(1_500);
  });

  it('aborts an attempt at its timeout even when garbage collection runs while it waits', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const attempt = attemptSignal(new AbortController().signal, 200);
    const aborted = new Promise<string>((resolve) => attempt.signal.addEventListener('abort', () => resolve('aborted')));
    const collecting = setInterval(gc, 10);
    try {
      const outcome = await Promise.race([
        aborted,
        new Promise<string>((resolve) => setTimeout(() => resolve('not aborted after 1.5 s'), 1_500)),
      ]);
      expect(outcome).toBe('aborted');
    } finally {
      clearInterval(collecting);
      attempt.dispose();
    }
  });

  it('aborts an attempt at once when its operation is stopped, and not after dispose', () => {
    const operation = new AbortController();
    const first = attemptSignal(operation.signal, 60_000);
    const second = attemptSignal(operation.signal, 60_000);
    second.dispose();
    operation.abort();
    expect(first.signal.aborted).toBe(true);
    expect(second.signal.aborted).toBe(false);
    first.dispose();
    const late = attemptSignal(operation.signal, 60_000);
    expect(late.signal.aborted).toBe(true);
    late.dispose();
  });

  it('stops at once when the abort signal fires (StopProvider), even while backing off', async () => {
    const api = await serve([(_req, res) => json(res, 503, { status: 503 }, { 'Retry-After': '30' })]);
    const stop = new AbortController();
    const client = new TesseraClient({ endpoint: api.url, token: secret, signal: stop.signal });
    const started = Date.now();
    const pending = client.getMe().catch((e: unknown) => e);
    setTimeout(() => stop.abort(), 200);
    const failure = await pending;
    expect(failure).toBeInstanceOf(TesseraAbortedError);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('gives up at once when Retry-After is longer than it is willing to wait', async () => {
    const api = await serve([(_req, res) => json(res, 429, { status: 429, detail: 'slow down' }, { 'Retry-After': '3600' })]);
    const client = new TesseraClient({ endpoint: api.url, token: secret });
    const failure = await client.getMe().catch((e: unknown) => e);
    expect((failure as TesseraApiError).status).toBe(429);
    expect(api.seen).toHaveLength(1);
  });
});
