// Starts real Tessera instances on real PostgreSQL databases for the API tests, and talks to
// them over real HTTP (Node's fetch).
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { createTessera, type Tessera, type TesseraOptions } from '../../../api/app';
import { createPersonalTokenForEmail, ensureBootstrapAdmin } from '../../../api/bootstrap';
import { ManualClock } from '../../../api/clock';
import { migrateLatest } from '../../../api/db/migrate';
import { createLogger } from '../../../api/logger';
import { createTestDatabase, type TestDatabase } from '../../support/database';

export interface MigratedDatabase extends TestDatabase {
  serverKey: Buffer;
}

export async function migratedDatabase(): Promise<MigratedDatabase> {
  const database = await createTestDatabase();
  await migrateLatest(database.url);
  return { ...database, serverKey: randomBytes(32) };
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  json: Record<string, unknown> & { [key: string]: unknown };
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  /** Sent as is (no JSON encoding), e.g. broken JSON. */
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface TestApi {
  tessera: Tessera;
  url: string;
  clock: ManualClock;
  /** Every log line the instance wrote, raw. */
  logs: string[];
  request(method: string, path: string, options?: RequestOptions): Promise<ApiResponse>;
  close(): Promise<void>;
}

export async function request(baseUrl: string, method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await response.text();
  let json: ApiResponse['json'];
  try {
    json = JSON.parse(text) as ApiResponse['json'];
  } catch {
    json = {};
  }
  return { status: response.status, headers: response.headers, text, json };
}

export async function startApi(
  database: MigratedDatabase,
  options: Partial<TesseraOptions> & { clock?: ManualClock } = {},
): Promise<TestApi> {
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(chunk.toString('utf8'));
      callback();
    },
  });
  const clock = options.clock ?? new ManualClock(new Date('2026-01-15T10:00:00.000Z'));
  const tessera = await createTessera({
    databaseUrl: database.url,
    serverKey: database.serverKey,
    logger: createLogger({ level: 'debug', destination }),
    clock,
    ...options,
  });
  const { url } = await tessera.listen(0, '127.0.0.1');
  return {
    tessera,
    url,
    clock,
    logs,
    request: (method, path, requestOptions) => request(url, method, path, requestOptions),
    close: () => tessera.close(),
  };
}

/** A migrated database, one running instance and a bootstrapped SysAdmin token. */
export interface Fixture {
  database: MigratedDatabase;
  api: TestApi;
  adminToken: string;
  close(): Promise<void>;
}

export async function startFixture(options: Partial<TesseraOptions> & { clock?: ManualClock } = {}): Promise<Fixture> {
  const database = await migratedDatabase();
  const clock = options.clock ?? new ManualClock(new Date('2026-01-15T10:00:00.000Z'));
  const adminToken = await ensureBootstrapAdmin({ database: database.url, serverKey: database.serverKey, clock });
  if (!adminToken) throw new Error('bootstrap did not create an admin token');
  const api = await startApi(database, { ...options, clock });
  return {
    database,
    api,
    adminToken,
    close: async () => {
      await api.close();
      await database.drop();
    },
  };
}

export interface CreatedUser {
  id: string;
  email: string;
  token: string;
  tokenId: string;
}

let counter = 0;

/** Creates a user (optionally in a team with a role) and a personal token for them. */
export async function createUserWithToken(
  fixture: Fixture,
  options: { role?: 'SysAdmin' | 'Member' | 'ReadOnly'; teamId?: string; days?: number } = {},
): Promise<CreatedUser & { teamId: string | null }> {
  counter++;
  const email = `user${counter}-${randomBytes(3).toString('hex')}@example.test`;
  const user = await fixture.api.request('POST', '/api/v1/users', { token: fixture.adminToken, body: { email, name: `User ${counter}` } });
  if (user.status !== 201) throw new Error(`create user: ${user.status} ${user.text}`);
  const id = user.json['id'] as string;
  let teamId = options.teamId ?? null;
  if (options.role && !teamId) {
    const team = await fixture.api.request('POST', '/api/v1/teams', {
      token: fixture.adminToken,
      body: { name: `team-${counter}-${randomBytes(3).toString('hex')}`, role: options.role },
    });
    if (team.status !== 201) throw new Error(`create team: ${team.status} ${team.text}`);
    teamId = team.json['id'] as string;
  }
  if (teamId) {
    const member = await fixture.api.request('PUT', `/api/v1/teams/${teamId}/members/${id}`, { token: fixture.adminToken });
    if (member.status !== 204) throw new Error(`add member: ${member.status} ${member.text}`);
  }
  // The user's first token comes from the admin CLI path (a user needs a token to make one).
  const created = await createPersonalTokenForEmail(
    { database: fixture.api.tessera.db, serverKey: fixture.database.serverKey, clock: fixture.api.clock },
    { email, days: options.days ?? 30 },
  );
  return { id, email, token: created.token, tokenId: created.id, teamId };
}
