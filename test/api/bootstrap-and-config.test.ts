// The first-start bootstrap, the admin operations and environment configuration.
import { randomBytes } from 'node:crypto';
import * as os from 'node:os';
import { z } from 'zod';
import { AdminInputError, createPersonalTokenForEmail, createUserAccount, ensureBootstrapAdmin } from '../../api/bootstrap';
import { ConfigError, loadConfig, parseServerKey } from '../../api/config';
import { startTestApi, type TestApi } from '../support/api-server';

// A migrated database with no users yet (the first test bootstraps it), and an API on it.
let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ bootstrapAdmin: false });
});

afterAll(async () => {
  await api?.stop();
});

describe('bootstrap and admin operations', () => {
  it('creates admin@tessera.localhost with a working 1-day SysAdmin token once, and only on an empty database', async () => {
    const options = { database: api.databaseUrl, serverKey: api.serverKey };
    const [first, concurrent] = await Promise.all([ensureBootstrapAdmin(options), ensureBootstrapAdmin(options)]);
    const secret = first ?? concurrent;
    expect([first, concurrent].filter((s) => s !== null)).toHaveLength(1);
    expect(secret).toMatch(/^tspat_[0-9A-Za-z]{36}$/);
    expect(await ensureBootstrapAdmin(options)).toBeNull();
    const me = await api.request('GET', '/api/v1/me', { token: secret as string });
    expect(me.json).toMatchObject({ email: 'admin@tessera.localhost', teams: [{ name: 'SysAdmin', role: 'SysAdmin' }] });
    // The address is valid under the document's own `format: email`, and the admin tool takes it.
    expect(z.email().safeParse(me.json['email']).success).toBe(true);
    const cliToken = await createPersonalTokenForEmail(options, { email: 'admin@tessera.localhost', days: 1 });
    expect((await api.request('GET', '/api/v1/me', { token: cliToken.token })).status).toBe(200);
    const authenticatedBy = me.json['authenticated_by'] as { expires_at: string };
    // ManualClock-free here: the token lives 1 day from its creation.
    const tokens = await api.request('GET', '/api/v1/personal-access-tokens', { token: secret as string });
    expect((tokens.json['personal_access_tokens'] as Array<{ expiration_days: number }>)[0]?.expiration_days).toBe(1);
    expect(Date.parse(authenticatedBy.expires_at) - Date.now()).toBeLessThanOrEqual(24 * 3600 * 1000);
  });

  it('creates users (optionally into a team with a role) and tokens for them', async () => {
    const options = { database: api.databaseUrl, serverKey: api.serverKey };
    const user = await createUserAccount(options, { email: 'Ops@Example.test', name: 'Ops', team: 'operators', role: 'Member' });
    expect(user).toMatchObject({ email: 'ops@example.test', teams: [{ name: 'operators', role: 'Member' }] });
    const second = await createUserAccount(options, { email: 'ops2@example.test', name: 'Ops 2', team: 'operators' });
    expect(second.teams).toEqual([expect.objectContaining({ name: 'operators', role: 'Member' })]);
    await expect(createUserAccount(options, { email: 'ops@example.test', name: 'again' })).rejects.toThrow(AdminInputError);
    await expect(createUserAccount(options, { email: 'x@example.test', name: 'X', team: 'new-team' })).rejects.toThrow(/--role/);
    await expect(createUserAccount(options, { email: 'y@example.test', name: 'Y', team: 'operators', role: 'SysAdmin' })).rejects.toThrow(
      /role Member/,
    );
    await expect(createUserAccount(options, { email: 'nope', name: 'X' })).rejects.toThrow(/--email/);

    const token = await createPersonalTokenForEmail(options, { email: 'ops@example.test', days: 30 });
    expect(token.token).toMatch(/^tspat_/);
    expect(token.expiration_days).toBe(30);
    await expect(createPersonalTokenForEmail(options, { email: 'ops@example.test', days: 31 })).rejects.toThrow(/--days/);
    await expect(createPersonalTokenForEmail(options, { email: 'ops@example.test', days: 1.5 })).rejects.toThrow(/--days/);
    await expect(createPersonalTokenForEmail(options, { email: 'ghost@example.test', days: 1 })).rejects.toThrow(/no user/);
    await expect(createPersonalTokenForEmail({ ...options, patMaxDays: 7 }, { email: 'ops@example.test', days: 8 })).rejects.toThrow(
      /between 1 and 7/,
    );
  });
});

describe('configuration', () => {
  const key = randomBytes(32);

  it('reads the environment with defaults', () => {
    expect(loadConfig({})).toEqual({
      databaseUrl: undefined,
      port: 8080,
      host: '127.0.0.1',
      patMaxDays: 30,
      serverKey: undefined,
      logLevel: 'info',
      adminEmail: 'admin@tessera.localhost',
      providerReleases: 'dist/provider-release',
      tls: undefined,
      databaseTimeouts: { statementMs: 30_000, lockMs: 5_000, idleInTransactionMs: 60_000 },
      trustProxy: false,
      publicUrl: undefined,
      workers: 1,
      shutdownTimeoutMs: 10_000,
    });
    expect(loadConfig({ TESSERA_WORKERS: '3', TESSERA_SHUTDOWN_TIMEOUT_MS: '2500' })).toMatchObject({
      workers: 3,
      shutdownTimeoutMs: 2_500,
    });
    expect(loadConfig({ TESSERA_WORKERS: 'auto' }).workers).toBe(Math.min(64, os.availableParallelism()));
    expect(() => loadConfig({ TESSERA_WORKERS: '0' })).toThrow(/TESSERA_WORKERS: must be a whole number from 1 to 64, or auto/);
    expect(() => loadConfig({ TESSERA_SHUTDOWN_TIMEOUT_MS: '-1' })).toThrow(/TESSERA_SHUTDOWN_TIMEOUT_MS: must be a whole number/);
    expect(loadConfig({ TESSERA_DB_LOCK_TIMEOUT_MS: '250', TESSERA_DB_STATEMENT_TIMEOUT_MS: '0' }).databaseTimeouts).toEqual({
      statementMs: 0,
      lockMs: 250,
      idleInTransactionMs: 60_000,
    });
    expect(() => loadConfig({ TESSERA_DB_LOCK_TIMEOUT_MS: '1.5s' })).toThrow(/TESSERA_DB_LOCK_TIMEOUT_MS: must be a whole number/);
    expect(loadConfig({ TESSERA_ADMIN_EMAIL: ' Ops@Example.COM ' }).adminEmail).toBe('ops@example.com');
    expect(() => loadConfig({ TESSERA_ADMIN_EMAIL: 'admin@localhost' })).toThrow(/TESSERA_ADMIN_EMAIL: must be an email address/);
    const config = loadConfig({
      DATABASE_URL: 'postgres://x/y',
      PORT: '9000',
      TESSERA_PAT_MAX_DAYS: '7',
      TESSERA_SERVER_KEY: key.toString('hex'),
      LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({ databaseUrl: 'postgres://x/y', port: 9000, patMaxDays: 7, logLevel: 'debug' });
    expect(config.serverKey?.equals(key)).toBe(true);
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).databaseUrl).toBeUndefined();
  });

  it('accepts the server key as hex or base64 and refuses short keys', () => {
    expect(parseServerKey(key.toString('base64')).equals(key)).toBe(true);
    expect(parseServerKey(key.toString('base64url')).equals(key)).toBe(true);
    expect(() => parseServerKey('abcd')).toThrow(ConfigError);
  });

  it('names every bad variable', () => {
    try {
      loadConfig({ PORT: 'eighty', TESSERA_PAT_MAX_DAYS: '31', LOG_LEVEL: 'loud' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(/PORT/);
      expect((error as Error).message).toMatch(/TESSERA_PAT_MAX_DAYS/);
      expect((error as Error).message).toMatch(/LOG_LEVEL/);
    }
  });
});
