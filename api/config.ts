// Process configuration from the environment, validated once at start so a typo fails loudly
// with the variable's name instead of surfacing later as odd behaviour.
import * as os from 'node:os';
import { z } from 'zod';
import { emailSchema } from './contract/primitives';
import { DEFAULT_DATABASE_TIMEOUTS, type DatabaseTimeouts } from './db/connection';
import { parsePublicUrl, parseTrustProxy, type TrustProxy } from './proxy/settings';
import { DEFAULT_PAT_MAX_DAYS, PAT_MIN_DAYS } from './tokens/policy';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface TesseraConfig {
  /** Unset means "run the embedded PostgreSQL" (decided by api/main.ts). */
  databaseUrl: string | undefined;
  port: number;
  host: string;
  patMaxDays: number;
  /** Unset means "use (or create) the key file under .tessera/" (decided by api/main.ts). */
  serverKey: Buffer | undefined;
  logLevel: LogLevel;
  /** Directory of provider releases served by the provider registry (TESSERA_PROVIDER_RELEASES). */
  providerReleases: string;
  /** PEM files; both set means "serve HTTPS" (TESSERA_TLS_CERT, TESSERA_TLS_KEY). */
  tls: { certFile: string; keyFile: string } | undefined;
  /** The user the embedded database's first start creates (TESSERA_ADMIN_EMAIL). */
  adminEmail: string;
  /** TESSERA_DB_STATEMENT_TIMEOUT_MS, TESSERA_DB_LOCK_TIMEOUT_MS, TESSERA_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS. */
  databaseTimeouts: DatabaseTimeouts;
  /** API processes sharing the port (TESSERA_WORKERS: a number, or `auto` = one per CPU); 1 = no cluster. */
  workers: number;
  /** How long a stop lets in-flight requests finish before cutting them (TESSERA_SHUTDOWN_TIMEOUT_MS). */
  shutdownTimeoutMs: number;
  /** Which peers' X-Forwarded-* headers to believe (TESSERA_TRUST_PROXY); default false (none). */
  trustProxy: TrustProxy;
  /** The origin clients use (TESSERA_PUBLIC_URL): the CSRF checks' own origin and the Host accepted. */
  publicUrl: URL | undefined;
}

/** What a stop gives in-flight requests unless configured (TESSERA_SHUTDOWN_TIMEOUT_MS). */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

/** Upper bound on TESSERA_WORKERS: each worker holds its own pool and LISTEN connection. */
export const MAX_WORKERS = 64;

/** Where `npm run provider:release` writes, relative to the working directory. */
export const DEFAULT_PROVIDER_RELEASES = 'dist/provider-release';

/**
 * The bootstrap admin's default email. `.localhost` is reserved for this machine (RFC 6761) and,
 * unlike a bare `localhost`, it has a dot, so the address is valid under the API's own
 * `format: email` and the admin command-line tool accepts it.
 */
export const DEFAULT_ADMIN_EMAIL = 'admin@tessera.localhost';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Minimum server key size: HMAC-SHA-256 gains nothing from more, and less would weaken it. */
export const SERVER_KEY_MIN_BYTES = 32;

/**
 * Accepts a server key as hex (64+ hex digits) or base64/base64url (decoding to 32+ bytes).
 * Hex is tried first because every hex string is also valid base64.
 */
export function parseServerKey(text: string): Buffer {
  const trimmed = text.trim();
  let key: Buffer | undefined;
  if (/^(?:[0-9a-fA-F]{2})+$/.test(trimmed)) {
    key = Buffer.from(trimmed, 'hex');
  } else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
    key = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  }
  if (!key || key.length < SERVER_KEY_MIN_BYTES) {
    throw new ConfigError(`TESSERA_SERVER_KEY must be at least ${SERVER_KEY_MIN_BYTES} bytes, written as hex or base64`);
  }
  return key;
}

// An empty variable (FOO=) means "not set", as most shells and .env files intend.
const optionalText = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());

function timeoutMs(fallback: number) {
  return z.preprocess(
    (v) => (v === '' || v === undefined ? undefined : Number(v)),
    z
      .number({ error: 'must be a whole number of milliseconds (0 = no limit)' })
      .int({ error: 'must be a whole number of milliseconds (0 = no limit)' })
      .min(0, { error: 'must be a whole number of milliseconds (0 = no limit)' })
      .max(2_147_483_647, { error: 'must be at most 2147483647 milliseconds' })
      .default(fallback),
  );
}

// A value parsed by a function that throws an Error saying what is wrong with it.
function parsedText<T>(parse: (text: string) => T) {
  return optionalText.transform((value, ctx): T | undefined => {
    if (value === undefined) return undefined;
    try {
      return parse(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
      return z.NEVER;
    }
  });
}

const environmentSchema = z.object({
  DATABASE_URL: optionalText,
  PORT: z.preprocess(
    (v) => (v === '' || v === undefined ? undefined : Number(v)),
    z.number({ error: 'must be an integer port number' }).int().min(0).max(65535).default(8080),
  ),
  HOST: z.preprocess((v) => (v === '' ? undefined : v), z.string().default('127.0.0.1')),
  TESSERA_PAT_MAX_DAYS: z.preprocess(
    (v) => (v === '' || v === undefined ? undefined : Number(v)),
    z
      .number({ error: `must be an integer between ${PAT_MIN_DAYS} and ${DEFAULT_PAT_MAX_DAYS}` })
      .int({ error: `must be an integer between ${PAT_MIN_DAYS} and ${DEFAULT_PAT_MAX_DAYS}` })
      .min(PAT_MIN_DAYS, { error: `must be an integer between ${PAT_MIN_DAYS} and ${DEFAULT_PAT_MAX_DAYS}` })
      .max(DEFAULT_PAT_MAX_DAYS, {
        error: `must be an integer between ${PAT_MIN_DAYS} and ${DEFAULT_PAT_MAX_DAYS} (operators may only lower the maximum)`,
      })
      .default(DEFAULT_PAT_MAX_DAYS),
  ),
  TESSERA_SERVER_KEY: optionalText,
  LOG_LEVEL: z.preprocess((v) => (v === '' ? undefined : v), z.enum(LOG_LEVELS).default('info')),
  TESSERA_PROVIDER_RELEASES: z.preprocess((v) => (v === '' ? undefined : v), z.string().default(DEFAULT_PROVIDER_RELEASES)),
  TESSERA_TLS_CERT: optionalText,
  TESSERA_TLS_KEY: optionalText,
  TESSERA_ADMIN_EMAIL: z.preprocess((v) => (v === '' ? undefined : v), emailSchema.default(DEFAULT_ADMIN_EMAIL)),
  TESSERA_DB_STATEMENT_TIMEOUT_MS: timeoutMs(DEFAULT_DATABASE_TIMEOUTS.statementMs),
  TESSERA_DB_LOCK_TIMEOUT_MS: timeoutMs(DEFAULT_DATABASE_TIMEOUTS.lockMs),
  TESSERA_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: timeoutMs(DEFAULT_DATABASE_TIMEOUTS.idleInTransactionMs),
  TESSERA_WORKERS: z.preprocess(
    (v) => (v === '' || v === undefined ? undefined : v === 'auto' ? Math.min(MAX_WORKERS, os.availableParallelism()) : Number(v)),
    z
      .number({ error: `must be a whole number from 1 to ${MAX_WORKERS}, or auto` })
      .int({ error: `must be a whole number from 1 to ${MAX_WORKERS}, or auto` })
      .min(1, { error: `must be a whole number from 1 to ${MAX_WORKERS}, or auto` })
      .max(MAX_WORKERS, { error: `must be a whole number from 1 to ${MAX_WORKERS}, or auto` })
      .default(1),
  ),
  TESSERA_SHUTDOWN_TIMEOUT_MS: z.preprocess(
    (v) => (v === '' || v === undefined ? undefined : Number(v)),
    z
      .number({ error: 'must be a whole number of milliseconds from 0 to 600000' })
      .int({ error: 'must be a whole number of milliseconds from 0 to 600000' })
      .min(0, { error: 'must be a whole number of milliseconds from 0 to 600000' })
      .max(600_000, { error: 'must be a whole number of milliseconds from 0 to 600000' })
      .default(DEFAULT_SHUTDOWN_TIMEOUT_MS),
  ),
  TESSERA_TRUST_PROXY: parsedText(parseTrustProxy),
  TESSERA_PUBLIC_URL: parsedText(parsePublicUrl),
});

/** Reads and validates the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): TesseraConfig {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const values = parsed.data;
  if ((values.TESSERA_TLS_CERT === undefined) !== (values.TESSERA_TLS_KEY === undefined)) {
    const missing = values.TESSERA_TLS_CERT === undefined ? 'TESSERA_TLS_CERT' : 'TESSERA_TLS_KEY';
    throw new ConfigError(`invalid configuration: ${missing}: must be set too (HTTPS needs both TESSERA_TLS_CERT and TESSERA_TLS_KEY)`);
  }
  return {
    databaseUrl: values.DATABASE_URL,
    port: values.PORT,
    host: values.HOST,
    patMaxDays: values.TESSERA_PAT_MAX_DAYS,
    serverKey: values.TESSERA_SERVER_KEY === undefined ? undefined : parseServerKey(values.TESSERA_SERVER_KEY),
    logLevel: values.LOG_LEVEL,
    providerReleases: values.TESSERA_PROVIDER_RELEASES,
    tls:
      values.TESSERA_TLS_CERT !== undefined && values.TESSERA_TLS_KEY !== undefined
        ? { certFile: values.TESSERA_TLS_CERT, keyFile: values.TESSERA_TLS_KEY }
        : undefined,
    adminEmail: values.TESSERA_ADMIN_EMAIL,
    databaseTimeouts: {
      statementMs: values.TESSERA_DB_STATEMENT_TIMEOUT_MS,
      lockMs: values.TESSERA_DB_LOCK_TIMEOUT_MS,
      idleInTransactionMs: values.TESSERA_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    },
    workers: values.TESSERA_WORKERS,
    shutdownTimeoutMs: values.TESSERA_SHUTDOWN_TIMEOUT_MS,
    trustProxy: values.TESSERA_TRUST_PROXY ?? false,
    publicUrl: values.TESSERA_PUBLIC_URL,
  };
}
