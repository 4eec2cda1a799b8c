// Logs hold no secret and no stack, whatever carried the secret in and whoever logged it; an
// unexpected 500 carries a request id the operator can find in the log; a flood of the same
// failure is logged once plus a count.
import { Writable } from 'node:stream';
import { generateSecret } from '../../api/credentials/secret';
import { createLogger, routeProcessWarnings } from '../../api/logger';
import { startTestApi, type TestApi } from '../support/api-server';

let api: TestApi;

beforeAll(async () => {
  // Debug level: the access log line holds every header and the query string.
  api = await startTestApi({ logLevel: 'debug', logFloodIntervalMs: 1_000 });
});

afterAll(async () => {
  await api?.stop();
});

const STACK_FRAME = /\bat .*\((?:node:|\/|file:)|\\n\s+at /;

function logsSince(mark: number): string {
  return api.logs.slice(mark).join('');
}

function linesSince(mark: number): Array<Record<string, unknown>> {
  return api.logs.slice(mark).map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('log scrubbing', () => {
  it('removes secrets and Authorization values from headers of any name', async () => {
    const secret = generateSecret('personal_access_token');
    const opaque = 'x'.repeat(8) + Math.random().toString(36).slice(2);
    const basic = Buffer.from(`ci-bot:${opaque}`).toString('base64');
    const session = `s${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
    const mark = api.logs.length;
    const res = await api.request('GET', '/api/v1/me', {
      token: api.adminToken,
      headers: {
        'x-custom-auth': `Bearer ${secret}`,
        'x-upstream-credentials': `Basic ${basic}`,
        'x-vendor-token': `Token ${opaque}`,
        'x-forwarded-cookie': `theme=dark; tessera_session=${session}`,
        'x-marker': 'visible-header-value',
      },
    });
    expect(res.status).toBe(200);
    const logged = logsSince(mark);
    // The access line was written, with the harmless header in it.
    expect(logged).toContain('visible-header-value');
    expect(logged).toContain('x-custom-auth');
    for (const leaked of [secret, secret.slice(6), basic, opaque, session, api.adminToken]) expect(logged).not.toContain(leaked);
  });

  it('removes them from query strings', async () => {
    const secret = generateSecret('service_account');
    const opaque = `q${Math.random().toString(36).slice(2)}`;
    const session = `c${Math.random().toString(36).slice(2)}`;
    const mark = api.logs.length;
    await api.request('GET', `/api/v1/users?note=visible-query&t=${secret}&auth=Bearer%20${opaque}&c=tessera_session%3D${session}`, {
      token: api.adminToken,
    });
    const logged = logsSince(mark);
    expect(logged).toContain('visible-query');
    for (const leaked of [secret, opaque, session]) expect(logged).not.toContain(leaked);
  });

  it('removes URL-encoded credentials from query strings whatever their shape', async () => {
    // Letters only and short: after a plain space such a word is kept as prose, URL-encoded it is not.
    const mark = api.logs.length;
    await api.request('GET', '/api/v1/users?note=visible-query&a=Bearer%20abcdefghijkl&b=Token+mnopqrstuv', { token: api.adminToken });
    const logged = logsSince(mark);
    expect(logged).toContain('visible-query');
    for (const leaked of ['abcdefghijkl', 'mnopqrstuv']) expect(logged).not.toContain(leaked);
  });

  it('removes them from a malformed JSON body', async () => {
    const secret = generateSecret('personal_access_token');
    const mark = api.logs.length;
    const res = await api.request('POST', '/api/v1/personal-access-tokens', {
      token: api.adminToken,
      rawBody: `{"name": "Bearer ${secret}", "token": "${secret}"`,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(logsSince(mark)).not.toContain(secret.slice(6));
  });
});

describe('request ids', () => {
  it('keeps a short, safe X-Request-Id and replaces an unsafe one', async () => {
    const kept = await api.request('GET', '/healthz', { headers: { 'x-request-id': 'lb-1234.abc' } });
    expect(kept.headers.get('x-request-id')).toBe('lb-1234.abc');
    const long = await api.request('GET', '/healthz', { headers: { 'x-request-id': 'a'.repeat(200) } });
    expect(long.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const unsafe = await api.request('GET', '/healthz', { headers: { 'x-request-id': 'Bearer "x"' } });
    expect(unsafe.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

// These break the database on purpose, so they run last.
describe('an unexpected server error', () => {
  beforeAll(async () => {
    await api.sql('DROP TABLE audit_events');
  });

  it('answers 500 with a request id that is also in the log line, with the scrubbed message and no stack', async () => {
    const secret = generateSecret('personal_access_token');
    const mark = api.logs.length;
    // The filter value is bound into the failing query, and the driver's message quotes it.
    const res = await api.request('GET', `/api/v1/audit-events?action=${secret}`, {
      token: api.adminToken,
      headers: { 'x-request-id': 'probe-500' },
    });
    expect(res.status).toBe(500);
    expect(res.headers.get('x-request-id')).toBe('probe-500');
    expect(res.json['request_id']).toBe('probe-500');
    expect(res.text).not.toContain('audit_events');

    const line = linesSince(mark).find((l) => l['request_id'] === 'probe-500');
    expect(line).toBeDefined();
    expect(line?.['level']).toBe(50);
    const err = line?.['err'] as { type?: string; message?: string };
    expect(err.type).toBe('DatabaseError');
    expect(err.message).toContain('audit_events');
    const logged = logsSince(mark);
    expect(logged).not.toContain(secret.slice(6));
    expect(logged).not.toMatch(STACK_FRAME);
    expect(logged).not.toContain('"stack"');
  });

  it('is logged once per interval plus a count when it floods', async () => {
    const mark = api.logs.length;
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const responses = await Promise.all(
      Array.from({ length: 25 }, () => api.request('GET', '/api/v1/audit-events?action=flood', { token: api.adminToken })),
    );
    expect(responses.map((r) => r.status)).toEqual(Array.from({ length: 25 }, () => 500));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const lines = linesSince(mark).filter((l) => String(l['msg']).startsWith('unexpected error'));
    const detailed = lines.filter((l) => l['suppressed'] === undefined);
    const summaries = lines.filter((l) => l['suppressed'] !== undefined);
    expect(detailed).toHaveLength(1);
    expect(summaries).toHaveLength(1);
    expect(summaries[0]?.['suppressed']).toBe(24);
    expect(String(summaries[0]?.['msg'])).toContain('24 more like this');
    // Every 500 still got its own id.
    expect(new Set(responses.map((r) => r.headers.get('x-request-id'))).size).toBe(25);
  });
});

describe('library warnings', () => {
  it("reach the log through the scrubber, without a stack: the query builder's", () => {
    const secret = generateSecret('service_account');
    const warning = new Error(`pool: client failed with password=${secret}; Authorization: Basic ${Buffer.from('u:p').toString('base64')}`);
    const mark = api.logs.length;
    // The channel the query builder reports its own warnings through.
    (api.tessera.db.client as { logger: { warn(message: unknown): void } }).logger.warn(warning);
    const logged = logsSince(mark);
    expect(logged).toContain('knex warning');
    expect(logged).toContain('pool: client failed');
    expect(logged).not.toContain(secret.slice(6));
    expect(logged).not.toContain(Buffer.from('u:p').toString('base64'));
    expect(logged).not.toMatch(STACK_FRAME);
  });

  it("reach the log through the scrubber, without a stack: the process's (driver deprecations)", async () => {
    const lines: string[] = [];
    const logger = createLogger({
      destination: new Writable({
        write(chunk: Buffer, _encoding, callback) {
          lines.push(chunk.toString('utf8'));
          callback();
        },
      }),
    });
    const secret = generateSecret('personal_access_token');
    const restore = routeProcessWarnings(() => logger);
    try {
      // What process.emitWarning delivers (jest's sandboxed process does not relay emitWarning
      // itself to listeners registered inside the sandbox, so the event is emitted directly).
      const warning = new Error(`client.query() with ${secret} is deprecated`);
      warning.name = 'DriverWarning';
      process.emit('warning', warning);
    } finally {
      restore();
    }
    const logged = lines.join('');
    expect(logged).toContain('DriverWarning');
    expect(logged).toContain('is deprecated');
    expect(logged).not.toContain(secret.slice(6));
    expect(logged).not.toMatch(STACK_FRAME);
    // A stack handed over as a field, or folded into a message, is dropped too.
    const error = new Error('boom');
    logger.error({ cause: error, detail: { stack: error.stack }, text: `failed\n${error.stack ?? ''}` }, 'library error');
    const last = lines.at(-1) ?? '';
    expect(last).toContain('boom');
    expect(last).not.toMatch(STACK_FRAME);
    expect(last).not.toContain('"stack"');
  });
});
