// `npm start`. Without DATABASE_URL: an embedded PostgreSQL under .tessera/pg (or
// $TESSERA_HOME/pg), a server key generated once into .tessera/server-key, migrations, and on an
// empty database the bootstrap admin, whose token goes to .tessera/admin-token (0600). With
// DATABASE_URL: that database and TESSERA_SERVER_KEY, migrations, no bootstrap.
// Ctrl-C / SIGTERM stop HTTP first (the listener closes, in-flight requests finish), then the
// pool, then PostgreSQL. An embedded PostgreSQL that dies is restarted (bounded attempts).
// TESSERA_WORKERS=N > 1: this process is the cluster's primary (database, migrations, bootstrap)
// and N workers serve the port; each worker runs this file too and takes the worker branch.
import cluster from 'node:cluster';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type pino from 'pino';
import { createTessera, type Tessera } from './app';
import { WorkerPool } from './cluster/primary';
import { runWorker, type RunningWorker } from './cluster/worker';
import { ensureBootstrapAdmin } from './bootstrap';
import { systemClock } from './clock';
import { ConfigError, loadConfig, type TesseraConfig } from './config';
import { metricsTokenFromEnv } from './http/metrics-endpoint';
import { migrateLatest } from './db/migrate';
import { createKnex } from './db/connection';
import { loadTlsFiles } from './http/tls-files';
import { createLogger, routeProcessWarnings } from './logger';
import { ProviderReleases } from './provider-registry/releases';
import { ensureAdminPassword, sessionSettingsFromEnv } from './sessions';
import { webPageOptions } from './web/web-options';
import {
  ADMIN_TOKEN_FILE,
  loadOrCreateServerKey,
  openEmbeddedDatabase,
  requireConfiguredServerKey,
  stateDirectory,
  writePrivateFile,
  type LocalDatabase,
} from './admin/local-state';

/** The message other tools (test helpers, scripts) wait for; it carries `url`. */
export const LISTENING_MESSAGE = 'Tessera API listening';

function postgresLogger(logger: pino.Logger): { debug(m: string): void; info(m: string): void; warn(m: string): void } {
  const child = logger.child({ component: 'postgres' });
  return { debug: (m) => child.debug(m), info: (m) => child.info(m), warn: (m) => child.warn(m) };
}

async function bootstrapEmbedded(
  database: LocalDatabase,
  serverKey: Buffer,
  dir: string,
  logger: pino.Logger,
  email: string,
): Promise<void> {
  const secret = await ensureBootstrapAdmin({ database: database.url, serverKey, email });
  const tokenFile = path.join(dir, ADMIN_TOKEN_FILE);
  if (secret !== null) {
    writePrivateFile(tokenFile, `${secret}\n`);
    logger.info({ file: tokenFile, email, expires_in_days: 1 }, 'bootstrap admin created; its personal access token is in this file');
  } else if (fs.existsSync(tokenFile)) {
    logger.info({ file: tokenFile }, 'existing database; the bootstrap admin token (1 day) was written to this file at first start');
  }
  // The web page's sign-in password for the same admin; kept if already set.
  const db = createKnex(database.url, { poolMax: 1, applicationName: 'tessera-bootstrap', logger });
  try {
    await ensureAdminPassword({ db, clock: systemClock, logger, stateDirectory: dir, email });
  } finally {
    await db.destroy();
  }
}

/** Says what the provider registry serves, and why a release directory is left out. */
async function logProviderReleases(dir: string, logger: pino.Logger): Promise<void> {
  const releases = new ProviderReleases(dir);
  try {
    const versions = (await releases.versions()).map((v) => v.version);
    for (const skipped of await releases.skipped())
      logger.warn({ dir, version: skipped.version, reason: skipped.reason }, 'provider release not served');
    logger.info({ dir: path.resolve(dir), versions }, 'provider registry');
  } catch (error) {
    logger.warn({ dir, err: error instanceof Error ? error.message : String(error) }, 'provider releases cannot be read');
  }
}

/** Builds one API instance and listens; `created` sees it before listen, so a failed listen still closes it. */
async function startInstance(
  config: TesseraConfig,
  tls: ReturnType<typeof loadTlsFiles> | undefined,
  databaseUrl: string,
  serverKey: Buffer,
  logger: pino.Logger,
  created: (tessera: Tessera) => void,
  workerId?: string,
): Promise<{ tessera: Tessera; address: Awaited<ReturnType<Tessera['listen']>> }> {
  const tessera = await createTessera({
    databaseUrl,
    serverKey,
    logger,
    patMaxDays: config.patMaxDays,
    databaseTimeouts: config.databaseTimeouts,
    providerReleases: config.providerReleases,
    tls,
    metricsToken: metricsTokenFromEnv(),
    trustProxy: config.trustProxy,
    publicUrl: config.publicUrl,
    ...webPageOptions({ sessionSettings: sessionSettingsFromEnv() }),
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    workerId,
  });
  created(tessera);
  const address = await tessera.listen(config.port, config.host).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE')
      throw new ConfigError(`port ${config.port} on ${config.host} is already in use; set PORT to another one`);
    throw error;
  });
  return { tessera, address };
}

/** A worker of TESSERA_WORKERS=N: configuration from the (inherited) environment, database and key from the primary. */
function workerMain(): void {
  let config: TesseraConfig;
  try {
    config = loadConfig();
  } catch (error) {
    // The primary validated the same environment, so this is not expected; still, no stack.
    createLogger().fatal({ err: error instanceof Error ? error.message : String(error) }, 'invalid configuration');
    process.exit(1);
  }
  const logger = createLogger({ level: config.logLevel }).child({ worker: cluster.worker?.id });
  routeProcessWarnings(() => logger);
  runWorker(logger, async (databaseUrl, serverKey): Promise<RunningWorker> => {
    let instance: Tessera | null = null;
    try {
      const { tessera, address } = await startInstance(
        config,
        config.tls === undefined ? undefined : loadTlsFiles(config.tls),
        databaseUrl,
        serverKey,
        logger,
        (created) => (instance = created),
        String(cluster.worker?.id),
      );
      return { url: address.url, close: () => tessera.close() };
    } catch (error) {
      await (instance as Tessera | null)?.close();
      throw error;
    }
  });
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  let logger = createLogger();
  routeProcessWarnings(() => logger);
  let database: LocalDatabase | null = null;
  let tessera: Tessera | null = null;
  let workers: WorkerPool | null = null;
  let shuttingDown = false;

  const shutdown = async (reason: string, exitCode: number): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ reason }, 'shutting down');
    try {
      await tessera?.close();
      await workers?.stop();
      await database?.stop();
      logger.info('stopped');
    } catch (error) {
      logger.error({ err: (error as Error).message }, 'error while shutting down');
      exitCode = 1;
    }
    process.exit(exitCode);
  };
  let firstSignalAt = 0;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      // A second Ctrl-C while stopping means "now" — but only a human's second one: npm forwards
      // the terminal's SIGINT to us, which therefore arrives twice within milliseconds.
      if (shuttingDown) {
        if (Date.now() - firstSignalAt > 1_000) process.exit(130);
        return;
      }
      firstSignalAt = Date.now();
      void shutdown(signal, 0);
    });
  }

  try {
    const config = loadConfig();
    logger = createLogger({ level: config.logLevel });
    const tls = config.tls === undefined ? undefined : loadTlsFiles(config.tls);
    const dir = stateDirectory();
    let serverKey: Buffer;
    if (config.databaseUrl !== undefined) {
      serverKey = requireConfiguredServerKey(config);
      database = { url: config.databaseUrl, origin: 'DATABASE_URL', stop: async () => undefined };
    } else {
      const key = loadOrCreateServerKey(config, dir);
      serverKey = key.key;
      logger.info({ state: dir, server_key: key.source }, 'no DATABASE_URL: using the embedded PostgreSQL');
      database = await openEmbeddedDatabase({
        dir,
        logger: postgresLogger(logger),
        reuseRunning: false,
        restart: {
          onGiveUp: (reason) => {
            logger.fatal({ reason }, 'the embedded PostgreSQL is gone; stopping');
            void shutdown('database lost', 1);
          },
        },
      });
    }
    if (shuttingDown) return;
    const applied = await migrateLatest(database.url);
    if (applied.length > 0) logger.info({ migrations: applied }, 'database migrations applied');
    if (config.databaseUrl === undefined) await bootstrapEmbedded(database, serverKey, dir, logger, config.adminEmail);
    if (shuttingDown) return;

    if (config.publicUrl?.protocol === 'https:' && !tls && config.trustProxy === false) {
      logger.warn(
        { public_url: config.publicUrl.origin },
        'TESSERA_PUBLIC_URL is https but no TLS is configured and TESSERA_TRUST_PROXY is off: X-Forwarded-Proto is ignored, so session cookies are not Secure and no HSTS is sent',
      );
    }
    if (config.workers > 1) {
      workers = new WorkerPool({
        count: config.workers,
        logger,
        databaseUrl: database.url,
        serverKey,
        shutdownTimeoutMs: config.shutdownTimeoutMs,
        onGiveUp: (reason) => {
          logger.fatal({ reason }, 'API workers keep dying; stopping');
          void shutdown('workers lost', 1);
        },
      });
      const url = await workers.start();
      if (tls) logger.info({ subject: tls.subject, valid_to: tls.validTo }, 'serving HTTPS');
      await logProviderReleases(config.providerReleases, logger);
      logger.info({ url, workers: config.workers, database: database.origin, startup_ms: Date.now() - startedAt }, LISTENING_MESSAGE);
      return;
    }
    const started = await startInstance(config, tls, database.url, serverKey, logger, (created) => (tessera = created));
    const address = started.address;
    if (tls) logger.info({ subject: tls.subject, valid_to: tls.validTo }, 'serving HTTPS');
    await logProviderReleases(config.providerReleases, logger);
    logger.info({ url: address.url, database: database.origin, startup_ms: Date.now() - startedAt }, LISTENING_MESSAGE);
  } catch (error) {
    // Configuration and environment problems are the operator's to fix: say what, not where.
    const message = error instanceof Error ? error.message : String(error);
    logger.fatal({ err: message }, error instanceof ConfigError ? 'invalid configuration' : 'could not start');
    await shutdown('startup failed', 1);
  }
}

if (cluster.isWorker) workerMain();
else void main();
