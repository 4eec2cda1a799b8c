// After a busy session (creates, uses, retries, failures, errors), no log line and no database
// column holds a secret, its random part, or an idempotency key.
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

async function databaseDump(fixture: TestApi): Promise<string> {
  const db = fixture.tessera.db;
  const tables = (await db.raw("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")) as { rows: Array<{ tablename: string }> };
  let dump = '';
  for (const { tablename } of tables.rows) {
    // row_to_json renders bytea as \\x hex; the check below looks for hex forms too.
    const rows = (await db.raw(`SELECT row_to_json(t)::text AS row FROM "${tablename}" t`)) as { rows: Array<{ row: string }> };
    dump += rows.rows.map((r) => r.row).join('\n');
  }
  return dump;
}

function forms(secret: string): string[] {
  const random = secret.slice(6, 36);
  return [secret, random, Buffer.from(secret).toString('hex'), Buffer.from(random).toString('hex'), Buffer.from(secret).toString('base64')];
}

describe('secrets', () => {
  it('never appear in logs or in any table', async () => {
    const api = fixture;
    const secrets: string[] = [fixture.adminToken];
    const keys: string[] = [];
    const key = randomUUID();
    keys.push(key);
    const pat = await api.request('POST', '/api/v1/personal-access-tokens', {
      token: fixture.adminToken,
      body: { name: 'leak check', expiration_days: 2 },
      headers: { 'idempotency-key': key },
    });
    await api.request('POST', '/api/v1/personal-access-tokens', {
      token: fixture.adminToken,
      body: { name: 'leak check', expiration_days: 2 },
      headers: { 'idempotency-key': key },
    });
    const patSecret = pat.json['token'] as string;
    secrets.push(patSecret);
    const svcKey = randomUUID();
    keys.push(svcKey);
    const svc = await api.request('POST', '/api/v1/service-accounts', {
      token: fixture.adminToken,
      body: { name: 'leaky' },
      headers: { 'idempotency-key': svcKey },
    });
    const svcSecret = svc.json['token'] as string;
    secrets.push(svcSecret);

    await api.request('GET', '/api/v1/me', { token: patSecret });
    await api.request('GET', '/api/v1/me', { headers: { 'api-token': svcSecret } });
    await api.request('POST', '/api/v1/collector/handshake', { token: svcSecret, body: { token: svcSecret, secret: patSecret } });
    // Secrets in places they do not belong: a query string, a body field, a bad request.
    await api.request('GET', `/api/v1/personal-access-tokens?token=${patSecret}&page_size=x`, { token: patSecret });
    await api.request('POST', '/api/v1/personal-access-tokens', {
      token: patSecret,
      body: { name: patSecret, token: patSecret, expiration_days: 'x' },
    });
    await api.request('POST', '/api/v1/personal-access-tokens', {
      token: patSecret,
      rawBody: `{"token": "${patSecret}"`,
      headers: { 'content-type': 'application/json' },
    });
    await api.request('GET', '/api/v1/me', { headers: { cookie: `session=${patSecret}`, authorization: `Bearer ${patSecret}` } });
    // Failures with real secrets: revoked, then wrong checksum.
    await api.request('DELETE', `/api/v1/personal-access-tokens/${pat.json['id']}`, { token: fixture.adminToken });
    await api.request('GET', '/api/v1/me', { token: patSecret });
    await api.request('GET', '/api/v1/me', { token: `${patSecret.slice(0, -1)}x` });
    await api.request('GET', `/api/v1/nope/${patSecret}`, { token: fixture.adminToken });
    await api.tessera.flush();

    const logs = api.logs.join('');
    // The check is meaningful only if the requests were logged at all.
    expect(logs).toContain('"msg":"request"');
    expect(logs).toContain('authentication failed');
    expect(logs).toContain('[redacted]');
    const dump = await databaseDump(fixture);
    expect(dump).toContain('personal_access_token.created');
    for (const secret of secrets) {
      for (const form of forms(secret)) {
        expect(logs).not.toContain(form);
        expect(dump).not.toContain(form);
      }
    }
    for (const k of keys) {
      expect(logs).not.toContain(k);
      expect(dump).not.toContain(k);
    }
  });
});
