// The one way tests start a Tessera API: a fresh database in the run's test PostgreSQL (see
// database.ts), migrated, with the bootstrap SysAdmin admin@tessera.localhost and its 1-day token, and an
// instance on 127.0.0.1 on a free port — in this process (default), or in its own OS process
// running api/main.ts exactly as an operator does (for cross-process and kill tests).
//
//   const api = await startTestApi();                                  // system clock, logs at debug
//   const api = await startTestApi({ clock: new ManualClock(), patMaxDays: 7, authFailureLimit: 5 });
//   const api = await startTestApi({ webPage: true, webRoot, sessionSettings, trustProxy: ['loopback'] });
//   const api = await startTestApi({ mode: 'process' });               // node --import tsx api/main.ts
//   const res = await api.request('POST', '/api/v1/users', { token: api.adminToken, body: { … } });
//   res.status, res.json['id'], res.headers, res.text; api.logs (every log line, raw)
//   await api.sql('UPDATE tokens SET expires_at = $2 WHERE id = $1', [id, at]);
//   const alice = await api.createUserWithToken({ role: 'Member' });  // alice.token, alice.teamId
//   const bob = await api.createUser({ role: 'Member' });             // bob.password, for sign-in
//   const b = await api.startAnotherInstance({ mode: 'process' });    // same database and key
//   api.clock.advance(…) (with a ManualClock); api.tessera.flush(); await api.restart({ patMaxDays: 7 });
//   await b.stop(); await b.start();                                  // down, then back on the same port
//   await api.stop();                                                 // every instance, then the database
//
// In-process instances take any createTessera option; authFailureLimit defaults to 1000 so tests
// do not trip it. A 'process' instance is configured by environment only (patMaxDays, logLevel,
// port, env), always has the web page (as api/main.ts does), and uses the system clock.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Knex } from 'knex';
import { Pool } from 'pg';
import { createTessera, type Tessera, type TesseraOptions } from '../../api/app';
import { ensureBootstrapAdmin } from '../../api/bootstrap';
import { systemClock, type Clock } from '../../api/clock';
import type { LogLevel } from '../../api/config';
import { createKnex } from '../../api/db/connection';
import { migrateLatest } from '../../api/db/migrate';
import { createLogger } from '../../api/logger';
import type { Sessions } from '../../api/sessions';
import type { SessionSettings } from '../../api/sessions/settings';
import { webPageOptions } from '../../api/web/web-options';
import { startApiChild } from './api-child';
import { createTestDatabase } from './database';
import { request as httpRequest, type ApiResponse, type RequestOptions } from './http-request';
import * as users from './test-users';

export { request, type ApiResponse, type RequestOptions } from './http-request';
export type { CreatedUser, PasswordUser, Role, TestUser, TestUserInput } from './test-users';

/** How one instance runs. Every createTessera option but the key, logger and clock passes through. */
export interface InstanceOptions<C extends Clock = Clock> extends Partial<Omit<TesseraOptions, 'serverKey' | 'logger' | 'clock'>> {
  /** 'in-process' (default): createTessera here. 'process': a child running api/main.ts. */
  mode?: 'in-process' | 'process';
  /** In-process only. Default: the fixture's (for startTestApi, the system clock). */
  clock?: C;
  /** Level of the lines kept in `logs`; default 'debug'. Mode 'process': 'info' or lower. */
  logLevel?: LogLevel;
  /** Mount the web page and /api/v1/sessions as api/main.ts does; implied by webRoot or sessionSettings. */
  webPage?: boolean;
  /** A built page folder; without one the page routes answer 503 (not built). */
  webRoot?: string;
  sessionSettings?: Partial<SessionSettings>;
  /** Default 0 (a free port). */
  port?: number;
  /** Mode 'process' only: more environment for api/main.ts. */
  env?: Record<string, string>;
}

export interface TestApiOptions<C extends Clock = Clock> extends Omit<InstanceOptions<C>, 'databaseUrl'> {
  /** Default true. false: an empty database (then no bootstrap admin either). */
  migrate?: boolean;
  /** Create admin@tessera.localhost and its token (`adminToken`); default true when migrating. */
  bootstrapAdmin?: boolean;
}

const FIXTURE_KEYS = ['mode', 'clock', 'logLevel', 'webPage', 'webRoot', 'sessionSettings', 'port', 'env'] as const;
const PROCESS_KEYS = new Set<string>(['mode', 'logLevel', 'port', 'env', 'patMaxDays', 'databaseUrl', 'webPage']);

interface Shared {
  databaseUrl: string;
  serverKey: Buffer;
}

interface Running {
  url: string;
  tessera?: Tessera;
  sessions?: Sessions;
  child?: ChildProcess;
  stop(): Promise<void>;
}

/** One running API on the fixture's database. */
export class ApiInstance<C extends Clock = Clock> {
  /** Every log line the instance wrote, raw (JSON, newline-terminated), across restarts. */
  readonly logs: string[] = [];
  private running: Running | undefined;
  private address = '';

  constructor(
    protected readonly shared: Shared,
    private options: InstanceOptions<C>,
    /** The instance's clock (mode 'process': the system clock). */
    readonly clock: C,
  ) {}

  /** e.g. http://127.0.0.1:41234 (no trailing slash); the same across restart(), and after stop(). */
  get url(): string {
    return this.address;
  }

  get mode(): 'in-process' | 'process' {
    return this.options.mode ?? 'in-process';
  }

  /** The in-process instance (its db, metrics, flush()); throws for mode 'process'. */
  get tessera(): Tessera {
    if (this.running?.tessera === undefined) throw new Error(`tessera: this instance is not running in this process (mode ${this.mode})`);
    return this.running.tessera;
  }

  /** The session layer; only with the web page, in-process. */
  get sessions(): Sessions {
    if (this.running?.sessions === undefined) throw new Error('sessions: start the instance in-process with webPage: true');
    return this.running.sessions;
  }

  /** Mode 'process': the child running api/main.ts (e.g. to kill it). */
  get child(): ChildProcess | undefined {
    return this.running?.child;
  }

  /** Calls this instance over HTTP as any client does. */
  request = (method: string, path: string, options?: RequestOptions): Promise<ApiResponse> => httpRequest(this.url, method, path, options);

  /** @internal Starts serving; the fixture calls it. */
  async launch(port = this.options.port ?? 0): Promise<void> {
    this.running =
      this.mode === 'process'
        ? await launchChild(this.shared, this.options, port, this.logs)
        : await launchInProcess(this.shared, this.options, this.clock, port, this.logs);
    this.address = this.running.url;
  }

  /** Stops the instance and starts it again on the same port with these settings changed, as an operator would. */
  async restart(changes: Omit<InstanceOptions<C>, 'mode' | 'clock' | 'port'> = {}): Promise<void> {
    const port = Number(new URL(this.url).port);
    await this.stopServing();
    this.options = { ...this.options, ...changes };
    await this.launch(port);
  }

  /** Serves again after stop(), on the same port: an API that was down comes back. */
  async start(): Promise<void> {
    if (this.running !== undefined) throw new Error('start: the instance is running');
    await this.launch(Number(new URL(this.url).port));
  }

  /** Stops this instance (the fixture's stop() also drops the database). Safe to call twice. */
  async stop(): Promise<void> {
    await this.stopServing();
  }

  private async stopServing(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    await running?.stop();
  }
}

/** The fixture: the first instance, plus the database, its key, the admin token and helpers. */
export class TestApi<C extends Clock = Clock> extends ApiInstance<C> {
  private readonly others = new Set<ApiInstance<Clock>>();
  private pool: Pool | undefined;

  constructor(
    shared: Shared,
    options: InstanceOptions<C>,
    clock: C,
    private readonly db: Knex,
    private readonly admin: users.AdminDatabase,
    private readonly bootstrapToken: string | null,
    private readonly dropDatabase: () => Promise<void>,
  ) {
    super(shared, options, clock);
  }

  /** The test database (superuser URL), e.g. for assertions in SQL or another process. */
  get databaseUrl(): string {
    return this.shared.databaseUrl;
  }

  /** Server key (HMAC) every instance runs with. */
  get serverKey(): Buffer {
    return this.shared.serverKey;
  }

  /** Personal access token secret of admin@tessera.localhost, a SysAdmin, valid 1 day. */
  get adminToken(): string {
    if (this.bootstrapToken === null) throw new Error('adminToken: the fixture was started with bootstrapAdmin: false');
    return this.bootstrapToken;
  }

  /** Runs SQL ($1, $2 … parameters) on the test database, for what no API offers. */
  async sql<T extends Record<string, unknown> = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    this.pool ??= new Pool({ connectionString: this.databaseUrl, max: 2, application_name: 'tessera-test-sql' });
    return (await this.pool.query(text, params)).rows as T[];
  }

  /** A user (in a team when asked; `role` alone gives them a new team) with a personal token. */
  createUserWithToken(input: users.TestUserInput & { days?: number } = {}): Promise<users.TestUser> {
    return users.createUserWithToken(this.admin, input);
  }

  /** A user with a web page password (default: a random one; null: none). */
  createUser(input: users.TestUserInput & { password?: string | null } = {}): Promise<users.PasswordUser> {
    return users.createPasswordUser(this.admin, input);
  }

  /** One more instance on the same database and key; stopped by the fixture's stop(). */
  async startAnotherInstance<D extends Clock = C>(options: InstanceOptions<D> = {}): Promise<ApiInstance<D>> {
    const clock = (options.mode === 'process' ? systemClock : (options.clock ?? this.clock)) as D;
    const instance = new ApiInstance<D>(this.shared, options, clock);
    await instance.launch();
    this.others.add(instance);
    return instance;
  }

  /** Stops every instance, then drops the database. */
  override async stop(): Promise<void> {
    try {
      await Promise.all([super.stop(), ...[...this.others].map((other) => other.stop())]);
    } finally {
      await this.pool?.end().catch(() => undefined);
      await this.db.destroy().catch(() => undefined);
      await this.dropDatabase();
    }
  }
}

export async function startTestApi<C extends Clock = Clock>(options: TestApiOptions<C> = {}): Promise<TestApi<C>> {
  const { migrate = true, bootstrapAdmin = migrate, ...instanceOptions } = options;
  const database = await createTestDatabase();
  const serverKey = randomBytes(32);
  const clock = (options.mode === 'process' ? systemClock : (options.clock ?? systemClock)) as C;
  const db = createKnex(database.url, { poolMax: 2, applicationName: 'tessera-test-fixture' });
  const admin: users.AdminDatabase = { database: db, serverKey, clock, patMaxDays: options.patMaxDays };
  let api: TestApi<C> | undefined;
  try {
    if (migrate) await migrateLatest(database.url);
    const token = bootstrapAdmin ? await ensureBootstrapAdmin(admin) : null;
    if (bootstrapAdmin && token === null) throw new Error('a fresh test database already had users');
    api = new TestApi<C>({ databaseUrl: database.url, serverKey }, instanceOptions, clock, db, admin, token, database.drop);
    await api.launch();
    return api;
  } catch (error) {
    if (api) await api.stop().catch(() => undefined);
    else
      await db
        .destroy()
        .finally(() => database.drop())
        .catch(() => undefined);
    throw error;
  }
}

async function launchInProcess(shared: Shared, options: InstanceOptions, clock: Clock, port: number, logs: string[]): Promise<Running> {
  const passThrough: Partial<TesseraOptions> = Object.fromEntries(
    Object.entries(options).filter(([key]) => !(FIXTURE_KEYS as readonly string[]).includes(key)),
  );
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(chunk.toString('utf8'));
      callback();
    },
  });
  let sessions: Sessions | undefined;
  const web = options.webPage === true || options.webRoot !== undefined || options.sessionSettings !== undefined;
  const tessera = await createTessera({
    authFailureLimit: 1000,
    // Teardown should not wait for a request a test left hanging.
    shutdownTimeoutMs: 2_000,
    ...passThrough,
    databaseUrl: options.databaseUrl ?? shared.databaseUrl,
    serverKey: shared.serverKey,
    clock,
    logger: createLogger({ level: options.logLevel ?? 'debug', destination }),
    ...(web ? webPageOptions({ root: options.webRoot, sessionSettings: options.sessionSettings, onSessions: (s) => (sessions = s) }) : {}),
  });
  try {
    const { url } = await tessera.listen(port, '127.0.0.1');
    return { url, tessera, sessions, stop: () => tessera.close() };
  } catch (error) {
    await tessera.close().catch(() => undefined);
    throw error;
  }
}

async function launchChild(shared: Shared, options: InstanceOptions, port: number, logs: string[]): Promise<Running> {
  const inProcessOnly = Object.entries(options)
    .filter(([key, value]) => value !== undefined && !PROCESS_KEYS.has(key))
    .map(([key]) => key);
  if (inProcessOnly.length > 0) {
    throw new Error(`${inProcessOnly.join(', ')}: in-process only; api/main.ts takes its settings from the environment (option env)`);
  }
  const logLevel = options.logLevel ?? 'debug';
  if (!['trace', 'debug', 'info'].includes(logLevel))
    throw new Error(`logLevel ${logLevel}: mode 'process' needs 'info' or lower (its listening line is read)`);
  const child = await startApiChild({
    databaseUrl: options.databaseUrl ?? shared.databaseUrl,
    serverKey: shared.serverKey,
    port,
    logLevel,
    patMaxDays: options.patMaxDays,
    env: options.env,
    onLogLine: (line) => logs.push(line),
  });
  return { url: child.url, child: child.child, stop: child.stop };
}
