// A real Tessera instance on a real PostgreSQL database, composed exactly as api/main.ts does it
// (createTessera + webPageOptions), for the session and web page tests.
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { createTessera, type Tessera } from '../../../api/app';
import { createUserAccount, ensureBootstrapAdmin } from '../../../api/bootstrap';
import { systemClock, type Clock } from '../../../api/clock';
import { migrateLatest } from '../../../api/db/migrate';
import { createLogger } from '../../../api/logger';
import type { Sessions } from '../../../api/sessions';
import { hashPassword } from '../../../api/sessions/password-hash';
import { upsertPasswordHash } from '../../../api/sessions/session-repository';
import type { SessionSettings } from '../../../api/sessions/settings';
import { webPageOptions } from '../../../api/web/web-options';
import { createTestDatabase, type TestDatabase } from '../../support/database';

export interface WebApiOptions {
  clock?: Clock;
  /** A built page folder; without one the page routes answer 503 (not built). */
  webRoot?: string;
  sessionSettings?: Partial<SessionSettings>;
  trustProxy?: boolean;
  /** How often last_used_at is written (createTessera's default is 5 s). */
  lastUsedFlushIntervalMs?: number;
}

export interface TestUser {
  id: string;
  email: string;
  name: string;
  password: string;
}

export interface WebApi {
  url: string;
  tessera: Tessera;
  sessions: Sessions;
  database: TestDatabase;
  serverKey: Buffer;
  /** The bootstrap admin's 1-day token. */
  adminToken: string;
  logs: string[];
  createUser(options?: { name?: string; role?: 'SysAdmin' | 'Member' | 'ReadOnly'; password?: string | null }): Promise<TestUser>;
  close(): Promise<void>;
}

let counter = 0;

export async function startWebApi(options: WebApiOptions = {}): Promise<WebApi> {
  const database = await createTestDatabase();
  try {
    await migrateLatest(database.url);
    const serverKey = randomBytes(32);
    const clock = options.clock ?? systemClock;
    const adminToken = await ensureBootstrapAdmin({ database: database.url, serverKey, clock });
    if (!adminToken) throw new Error('bootstrap did not create an admin token');
    const logs: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logs.push(chunk.toString('utf8'));
        callback();
      },
    });
    let sessions: Sessions | undefined;
    const tessera = await createTessera({
      databaseUrl: database.url,
      serverKey,
      clock,
      logger: createLogger({ level: 'debug', destination }),
      trustProxy: options.trustProxy,
      lastUsedFlushIntervalMs: options.lastUsedFlushIntervalMs,
      ...webPageOptions({ root: options.webRoot, sessionSettings: options.sessionSettings, onSessions: (s) => (sessions = s) }),
    });
    if (!sessions) throw new Error('webPageOptions did not install the session layer');
    const { url } = await tessera.listen(0, '127.0.0.1');
    return {
      url,
      tessera,
      sessions,
      database,
      serverKey,
      adminToken,
      logs,
      async createUser(userOptions = {}) {
        counter += 1;
        const email = `person${counter}-${randomBytes(3).toString('hex')}@example.test`;
        const name = userOptions.name ?? `Person ${counter}`;
        const role = userOptions.role ?? 'Member';
        const user = await createUserAccount(
          { database: tessera.db, serverKey, clock },
          { email, name, team: `${role} people`, role },
        );
        const password = userOptions.password === undefined ? `pw-${randomBytes(12).toString('base64url')}` : userOptions.password;
        if (password !== null) await upsertPasswordHash(tessera.db, user.id, await hashPassword(password), clock.now());
        return { id: user.id, email, name, password: password ?? '' };
      },
      async close() {
        await tessera.close();
        await database.drop();
      },
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
}

/** A browser-like HTTP client: keeps the session cookie and, once signed in, the CSRF token. */
export class CookieClient {
  private cookies = new Map<string, string>();
  csrfToken: string | null = null;

  constructor(
    readonly baseUrl: string,
    private readonly defaultHeaders: Record<string, string> = {},
  ) {}

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async request(
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string>; csrf?: boolean } = {},
  ): Promise<{ status: number; headers: Headers; json: Record<string, unknown>; setCookies: string[] }> {
    const headers: Record<string, string> = { ...this.defaultHeaders, ...(options.headers ?? {}) };
    if (this.cookies.size > 0) headers['cookie'] = this.cookieHeader();
    if (options.csrf !== false && this.csrfToken !== null && method !== 'GET') headers['x-csrf-token'] ??= this.csrfToken;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body, redirect: 'manual' });
    const text = await response.text();
    const setCookies = response.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair] = line.split(';');
      const separator = (pair ?? '').indexOf('=');
      const name = (pair ?? '').slice(0, separator).trim();
      const value = (pair ?? '').slice(separator + 1).trim();
      if (/max-age=0/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = {};
    }
    return { status: response.status, headers: response.headers, json, setCookies };
  }

  async signIn(email: string, password: string): Promise<Record<string, unknown>> {
    const response = await this.request('POST', '/api/v1/sessions', { body: { email, password } });
    if (response.status !== 201) throw new Error(`sign-in failed: ${response.status} ${JSON.stringify(response.json)}`);
    this.csrfToken = response.json['csrf_token'] as string;
    return response.json;
  }
}
