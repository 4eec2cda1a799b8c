// Assembles one Tessera API instance: database pool, auth cache with its LISTEN connection,
// background writers (last_used_at, failed-auth audit events, idempotency sweeper) and the
// Express app. Migrations are NOT run here: call migrateLatest() (api/db/migrate.ts) first.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import express, { type Express, type Request, type Response } from 'express';
import type { Knex } from 'knex';
import type pino from 'pino';
import { AuditBuffer } from './audit/buffer';
import { auditHandlers } from './routes/audit';
import { Authenticator } from './auth/authenticator';
import { AuthCache } from './auth/cache';
import { FailureLimiter } from './auth/failure-limiter';
import { InvalidationListener } from './auth/invalidation';
import { systemClock, type Clock } from './clock';
import { collectorHandlers } from './routes/collector';
import { DEFAULT_PROVIDER_RELEASES, DEFAULT_SHUTDOWN_TIMEOUT_MS, SERVER_KEY_MIN_BYTES } from './config';
import type { ServiceContext } from './context';
import { apiOperations } from './contract';
import { createKnex, DEFAULT_DATABASE_TIMEOUTS, type DatabaseTimeouts } from './db/connection';
import { pendingMigrations } from './db/migrate';
import { authenticate } from './http/authenticate';
import { jsonBody } from './http/body';
import { answerClientErrors } from './http/client-error';
import { drainable, type ServerDrain } from './http/drain';
import { errorHandler, requestId, unknownRoute } from './http/errors';
import { expressPath, mountOperations, type Handlers } from './http/operations';
import { HttpProblem, sendProblem, unavailable } from './http/problem';
import { sweepIdempotencyRecords } from './idempotency/service';
import { createLogger } from './logger';
import { meHandlers } from './routes/me';
import { createMetrics, type ApiMetrics } from './metrics';
import { metricsEndpoint } from './http/metrics-endpoint';
import { routeLabeller } from './metrics/route-label';
import { openApiDocument } from './openapi/document';
import { hostGuard, strictTransportSecurity } from './http/host-guard';
import { parsePublicUrl, type TrustProxy } from './proxy/settings';
import { serviceAccountHandlers } from './routes/service-accounts';
import { createSessions, type Sessions } from './sessions';
import type { SessionSettings } from './sessions/settings';
import { teamHandlers } from './routes/teams';
import { LastUsedTracker } from './auth/last-used';
import { DEFAULT_PAT_MAX_DAYS, PAT_MIN_DAYS, tokenPolicy } from './tokens/policy';
import { personalTokenHandlers } from './routes/tokens';
import { ProviderReleases } from './provider-registry/releases';
import { providerRegistryRoutes } from './provider-registry/routes';
import { userHandlers } from './routes/users';

export interface TesseraOptions {
  /** PostgreSQL connection string; the schema must already be migrated (migrateLatest). */
  databaseUrl: string;
  /** HMAC key for stored token hashes and idempotency records; at least 32 bytes. */
  serverKey: Buffer;
  /** Defaults to a pino logger at info level on stdout. */
  logger?: pino.Logger;
  /** Repeats of one failure within this interval are logged as a count; default 10 s. */
  logFloodIntervalMs?: number;
  /** Defaults to the system clock; tests pass a ManualClock to reach expiry without sleeping. */
  clock?: Clock;
  /** Maximum personal token lifetime in days, 1–30 (TESSERA_PAT_MAX_DAYS); default 30. */
  patMaxDays?: number;
  /** Upper bound on how long a verified credential is reused from memory; default 500 ms, < 1000. */
  authCacheMaxAgeMs?: number;
  /** How often batched last_used_at values are written; default 5000 ms. */
  lastUsedFlushIntervalMs?: number;
  /** Failed authentications per address within the window before 429; default 20 per 60 s. */
  authFailureLimit?: number;
  authFailureWindowMs?: number;
  /**
   * Whose X-Forwarded-For/-Proto/-Host to believe (TESSERA_TRUST_PROXY, see parseTrustProxy): a hop
   * count or the proxies' addresses; default false (none, so a client cannot choose its address).
   */
  trustProxy?: TrustProxy;
  /**
   * The origin clients use, e.g. https://tessera.example.com (TESSERA_PUBLIC_URL): the origin CSRF
   * checks compare against, and the only host name (besides IP literals and localhost) answered.
   */
  publicUrl?: string | URL;
  /** Database pool size; default 10. */
  poolSize?: number;
  /** Statement, lock and idle-in-transaction limits per connection; defaults DEFAULT_DATABASE_TIMEOUTS. */
  databaseTimeouts?: Partial<DatabaseTimeouts>;
  /** Session lifetimes and trusted origins for cookie sign-in; defaults as documented. */
  sessionSettings?: Partial<SessionSettings>;
  /** Mounts routes outside /api/v1 (e.g. the web page) before the 404 handler. */
  extraRoutes?: (app: Express, services: TesseraServices) => void;
  /** Provider releases served by the provider registry; default dist/provider-release (TESSERA_PROVIDER_RELEASES). */
  providerReleases?: string;
  /** PEM certificate chain and private key: listen() then serves HTTPS. */
  tls?: { cert: Buffer; key: Buffer };
  /** When set, GET /metrics requires `Authorization: Bearer <metricsToken>` (TESSERA_METRICS_TOKEN). */
  metricsToken?: string;
  /** How long close() lets in-flight requests finish before cutting them; default 10 s (TESSERA_SHUTDOWN_TIMEOUT_MS). */
  shutdownTimeoutMs?: number;
  /** Sent as X-Tessera-Worker on every response: which worker process answered (TESSERA_WORKERS > 1). */
  workerId?: string;
}

/** What extraRoutes and operational tooling may use. */
export interface TesseraServices {
  db: Knex;
  clock: Clock;
  logger: pino.Logger;
  context: ServiceContext;
  authenticator: Authenticator;
  /** Middleware that authenticates (token or session) and sets the principal; see principalOf. */
  authenticate: express.RequestHandler;
  metrics: ApiMetrics;
  /** Cookie sign-in for the web page. */
  sessions: Sessions;
}

export interface ListeningAddress {
  server: http.Server;
  port: number;
  /** e.g. http://127.0.0.1:8080 (https:// with TesseraOptions.tls) */
  url: string;
}

export interface Tessera extends TesseraServices {
  app: Express;
  /** Starts serving; port 0 picks a free port (see the returned address). */
  listen(port?: number, host?: string): Promise<ListeningAddress>;
  /** Writes what is batched in memory now (last_used_at, failed-authentication audit events). */
  flush(): Promise<void>;
  /**
   * Stops the server (if listening): the listener closes, in-flight requests finish (up to
   * shutdownTimeoutMs), then pending writes are flushed and the pool closes. Logged step by step.
   */
  close(): Promise<void>;
}

const IDEMPOTENCY_SWEEP_INTERVAL_MS = 60_000;

// Generating the document takes a few hundred milliseconds, so it is built on first request,
// once per maximum token lifetime in the process, rather than at every start.
const openApiDocuments = new Map<number, ReturnType<typeof openApiDocument>>();
function servedOpenApiDocument(patMaxDays: number): ReturnType<typeof openApiDocument> {
  let document = openApiDocuments.get(patMaxDays);
  if (document === undefined) {
    document = openApiDocument({ patMaxDays });
    openApiDocuments.set(patMaxDays, document);
  }
  return document;
}

// For the access log: req.path is relative to the router the request is in when it finishes.
function splitUrl(url: string): { path: string; query?: string } {
  const at = url.indexOf('?');
  return at === -1 ? { path: url } : { path: url.slice(0, at), query: url.slice(at + 1) };
}

/**
 * Builds an instance and opens its LISTEN connection (so the auth cache is active once this
 * resolves). Does not listen on a port and does not run migrations.
 */
export async function createTessera(options: TesseraOptions): Promise<Tessera> {
  if (options.serverKey.length < SERVER_KEY_MIN_BYTES) throw new Error(`serverKey must be at least ${SERVER_KEY_MIN_BYTES} bytes`);
  const patMaxDays = options.patMaxDays ?? DEFAULT_PAT_MAX_DAYS;
  if (!Number.isInteger(patMaxDays) || patMaxDays < PAT_MIN_DAYS || patMaxDays > DEFAULT_PAT_MAX_DAYS) {
    throw new Error(`patMaxDays must be an integer between ${PAT_MIN_DAYS} and ${DEFAULT_PAT_MAX_DAYS}`);
  }
  const publicUrl = options.publicUrl === undefined ? undefined : parsePublicUrl(String(options.publicUrl));
  const logger = options.logger ?? createLogger();
  const clock = options.clock ?? systemClock;
  const db = createKnex(options.databaseUrl, {
    poolMax: options.poolSize ?? 10,
    logger,
    timeouts: { ...DEFAULT_DATABASE_TIMEOUTS, ...options.databaseTimeouts },
  });
  const metrics = createMetrics();
  const cache = new AuthCache({ maxAgeMs: options.authCacheMaxAgeMs ?? 500 });
  const listener = new InvalidationListener({ databaseUrl: options.databaseUrl, cache, logger });
  const lastUsed = new LastUsedTracker(db, logger, options.lastUsedFlushIntervalMs ?? 5_000);
  const audit = new AuditBuffer(db, logger);
  const limiter = new FailureLimiter({ maxFailures: options.authFailureLimit ?? 20, windowMs: options.authFailureWindowMs ?? 60_000 });
  const context: ServiceContext = { db, clock, serverKey: options.serverKey, patMaxDays, cache, lastUsed };
  const authenticator = new Authenticator({ db, serverKey: options.serverKey, clock, cache, limiter, audit, lastUsed, metrics, logger });
  const sessions = createSessions({ db, clock, logger, settings: options.sessionSettings, publicOrigin: publicUrl?.origin });
  // The session cookie is consulted only for requests that carry no token header.
  const auth = authenticate(authenticator, (req) => sessions.authenticate(req));

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const trustProxy = options.trustProxy ?? false;
  app.set('trust proxy', Array.isArray(trustProxy) ? [...trustProxy] : trustProxy);
  app.set('query parser', 'simple');

  const operations = apiOperations({ patMaxDays });
  const routeLabel = routeLabeller(operations.map((operation) => `/api/v1${expressPath(operation.path)}`));
  app.use((req: Request, res: Response, next) => {
    // No response is to be read as anything but its declared type (a JSON string as HTML).
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (options.workerId !== undefined) res.setHeader('X-Tessera-Worker', options.workerId);
    const started = performance.now();
    res.once('finish', () => {
      const label = routeLabel(req);
      const seconds = (performance.now() - started) / 1000;
      metrics.httpRequests.inc({ method: req.method, route: label, status: String(res.statusCode) });
      metrics.httpDuration.observe({ method: req.method, route: label }, seconds);
      // Access logs only at debug: a log line per request would cost more than the request.
      // The query string and every header are logged as sent: the logger scrubs each line.
      if (logger.isLevelEnabled('debug')) {
        logger.debug(
          {
            req: { method: req.method, ...splitUrl(req.originalUrl), headers: req.headers, ip: req.ip },
            route: label,
            status: res.statusCode,
            ms: Math.round(seconds * 1e4) / 10,
          },
          'request',
        );
      }
    });
    next();
  });
  // Set by listen(): without a public URL, the name the server listens on is one it answers for.
  let listenHost: string | undefined;
  app.use(hostGuard({ publicUrl, listenHost: () => listenHost }));
  app.use(strictTransportSecurity);
  app.use(requestId);
  app.use(jsonBody);

  // The routing table: one handler per operation of the contract (api/contract/), by
  // operationId. The compiler checks that none is missing; mountOperations gives each its
  // method, path, authentication and validation, and 405 for the methods a path lacks.
  const policy = tokenPolicy(patMaxDays);
  const handlers: Handlers = {
    ...meHandlers(),
    ...personalTokenHandlers(context),
    ...serviceAccountHandlers(context),
    ...userHandlers(context),
    ...teamHandlers(context),
    ...auditHandlers(context),
    ...collectorHandlers(context),
    ...sessions.handlers,
    getTokenPolicy: (_input, _req, res) => {
      res.json(policy);
    },
    getOpenApiDocument: (_input, _req, res) => {
      res.json(servedOpenApiDocument(patMaxDays));
    },
  };
  const api = express.Router();
  mountOperations(api, operations, handlers, auth);

  // The hottest endpoint also gets an app-level route, so it does not walk the router's list.
  app.get('/api/v1/me', auth, (req, res) => handlers.getMe({ params: {}, query: undefined, body: undefined }, req, res));
  app.use('/api/v1', api);
  // Operational endpoints; their paths never overlap the API's, so they can come after it.
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await db.raw('SELECT 1');
      const pending = await pendingMigrations(db);
      if (pending.length > 0) return sendProblem(res, unavailable(`${pending.length} database migration(s) not applied.`));
      res.json({ status: 'ready' });
    } catch {
      sendProblem(res, unavailable('The database is not reachable.'));
    }
  });
  app.get('/metrics', metricsEndpoint(metrics, options.metricsToken));

  app.use(providerRegistryRoutes(new ProviderReleases(options.providerReleases ?? DEFAULT_PROVIDER_RELEASES)));

  const services: TesseraServices = { db, clock, logger, context, authenticator, authenticate: auth, metrics, sessions };
  options.extraRoutes?.(app, services);
  app.use(unknownRoute);
  app.use(errorHandler(logger, options.logFloodIntervalMs));

  await listener.start();
  lastUsed.start();
  const sweep = () => {
    sweepIdempotencyRecords(db, clock.now()).catch((error: unknown) =>
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'idempotency sweep failed'),
    );
  };
  const sweeper = setInterval(sweep, IDEMPOTENCY_SWEEP_INTERVAL_MS);
  sweeper.unref();
  // Records left by a previous run may already be past their window.
  sweep();

  let server: http.Server | null = null;
  let serverDrain: ServerDrain | null = null;
  let closed: Promise<void> | null = null;

  async function listen(port = 0, host = '127.0.0.1'): Promise<ListeningAddress> {
    if (server) throw new Error('already listening');
    const created = options.tls ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, app) : http.createServer(app);
    const createdDrain = drainable(created);
    // Keep-alive longer than typical load balancer idle timeouts, so they close first.
    created.keepAliveTimeout = 65_000;
    answerClientErrors(created);
    await new Promise<void>((resolve, reject) => {
      created.once('error', reject);
      created.listen(port, host, () => {
        created.off('error', reject);
        resolve();
      });
    });
    server = created;
    serverDrain = createdDrain;
    listenHost = host;
    const address = created.address() as AddressInfo;
    const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return { server: created, port: address.port, url: `${options.tls ? 'https' : 'http'}://${shownHost}:${address.port}` };
  }

  async function close(): Promise<void> {
    if (closed) return closed;
    closed = (async () => {
      clearInterval(sweeper);
      if (serverDrain) {
        const drained = serverDrain.drain({ timeoutMs: options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS });
        logger.info('HTTP listener closed; new connections are refused, in-flight requests finish');
        const { inFlightAtStart, cut, ms } = await drained;
        if (cut > 0) logger.warn({ in_flight: inFlightAtStart, cut, ms }, 'in-flight requests cut at the shutdown timeout');
        else logger.info({ in_flight: inFlightAtStart, ms }, 'in-flight requests finished');
      }
      await listener.stop();
      await lastUsed.stop();
      await audit.flush();
      await db.destroy();
      logger.info('database pool closed');
    })();
    return closed;
  }

  async function flush(): Promise<void> {
    await Promise.all([lastUsed.flush(), audit.flush()]);
  }

  return { app, listen, flush, close, ...services };
}

export { HttpProblem };
