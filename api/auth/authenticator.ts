// Turns a presented secret into a Principal, or refuses it with the one 401 (429 once the address
// has failed too often). Order matters: offline format check (no database), cache, then one
// indexed lookup. The failure limit is consulted only once a credential has failed, so a valid
// credential is answered whatever else was sent from its address.
import { hash as digest } from 'node:crypto';
import type { Knex } from 'knex';
import type pino from 'pino';
import type { Clock } from '../clock';
import type { AuditBuffer } from '../audit/buffer';
import { RateLimitedError, UnauthenticatedError } from '../errors';
import type { ApiMetrics } from '../metrics';
import type { LastUsedTracker } from './last-used';
import { findCredentialByHash } from './credential-repository';
import { checkSecretFormat, hashSecret, hashesEqual } from '../credentials/secret';
import type { AuthCache, StoredCredential } from './cache';
import type { FailureLimiter } from './failure-limiter';
import type { Principal } from './principal';

export type FailureReason = 'malformed' | 'unknown' | 'expired' | 'revoked' | 'inactive';

export interface AuthenticatorDependencies {
  db: Knex;
  serverKey: Buffer;
  clock: Clock;
  cache: AuthCache;
  limiter: FailureLimiter;
  audit: AuditBuffer;
  logger: pino.Logger;
  lastUsed: LastUsedTracker;
  metrics: ApiMetrics;
}

/**
 * Reads the secret from `Authorization: Bearer` or `API-Token`; undefined when neither is sent.
 * A header that is empty or only whitespace counts as absent (proxies and clients that template
 * headers send `Authorization:` with nothing in it). Both headers non-empty is accepted only when
 * they carry the same secret; two different credentials are refused with the one 401 rather than
 * guessing which the client meant.
 */
export function presentedSecret(headers: {
  authorization?: string | undefined;
  'api-token'?: string | string[] | undefined;
}): string | undefined {
  const fromAuthorization = authorizationSecret(headers.authorization);
  const fromApiToken = apiTokenSecret(headers['api-token']);
  if (fromAuthorization === undefined) return fromApiToken;
  if (fromApiToken === undefined || fromApiToken === fromAuthorization) return fromAuthorization;
  return '';
}

function authorizationSecret(authorization: string | undefined): string | undefined {
  if (authorization === undefined || authorization.trim() === '') return undefined;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
  // A malformed Authorization header is presented-but-invalid, not absent.
  return match ? (match[1] as string) : '';
}

function apiTokenSecret(apiToken: string | string[] | undefined): string | undefined {
  if (typeof apiToken === 'string') return apiToken.trim() === '' ? undefined : apiToken.trim();
  if (Array.isArray(apiToken)) return '';
  return undefined;
}

/**
 * The auth cache key: SHA-256 of the secret. An entry is stored only under the key of a secret
 * whose HMAC matched the database, so finding the key is proof of the same secret. The secret
 * has ~178 random bits, so the digest held in memory reveals nothing usable.
 */
export function cacheKeyOf(secret: string): string {
  return digest('sha256', secret, 'base64');
}

export class Authenticator {
  // Concurrent misses for one token share one query (50 connections would otherwise all query
  // when its cache entry ages out). A request only joins a lookup started in the current cache
  // generation, so nothing started before a revocation can answer a request made after it.
  private readonly inflight = new Map<string, { generation: number; promise: Promise<StoredCredential | null> }>();

  constructor(private readonly deps: AuthenticatorDependencies) {}

  /**
   * A Principal, or a promise of one when the database must be read. A cache hit answers
   * synchronously (no promise, no microtask) and is still checked against every rule below at
   * this instant: revocation flags, expiry against the clock, an active owner.
   */
  authenticate(secret: string, address: string): Principal | Promise<Principal> {
    const kind = checkSecretFormat(secret);
    if (kind === null) throw this.fail('malformed', address, null);
    const key = cacheKeyOf(secret);
    const cached = this.deps.cache.get(key);
    if (cached) {
      this.deps.metrics.authCacheHits.inc();
      return this.admit(cached, address);
    }
    // Only a miss needs the keyed hash the database stores (an HMAC costs ~8x a one-shot hash).
    const hash = hashSecret(this.deps.serverKey, secret);
    return this.load(key, hash).then((credential) =>
      this.admit(credential && hashesEqual(credential.secretHash, hash) ? credential : null, address),
    );
  }

  private admit(credential: StoredCredential | null, address: string): Principal {
    if (!credential) throw this.fail('unknown', address, null);
    const now = this.deps.clock.now();
    if (credential.revoked) throw this.fail('revoked', address, credential.tokenId);
    if (credential.expiresAt !== null && now.getTime() >= credential.expiresAt.getTime()) {
      throw this.fail('expired', address, credential.tokenId);
    }
    if (credential.kind === 'personal_access_token' && !credential.userActive) throw this.fail('inactive', address, credential.tokenId);
    this.deps.lastUsed.record(credential.tokenId, now);
    return toPrincipal(credential);
  }

  /** The uncached verification path (what a cache miss costs); exposed for the benchmark. */
  async lookup(secret: string): Promise<StoredCredential | null> {
    if (checkSecretFormat(secret) === null) return null;
    const hash = hashSecret(this.deps.serverKey, secret);
    const credential = await findCredentialByHash(this.deps.db, hash);
    return credential && hashesEqual(credential.secretHash, hash) ? credential : null;
  }

  /** A cache miss: one shared database read per token and cache generation. */
  private load(key: string, hash: Buffer): Promise<StoredCredential | null> {
    const generation = this.deps.cache.generation;
    const running = this.inflight.get(key);
    if (running && running.generation === generation) return running.promise;
    this.deps.metrics.tokenLookups.inc();
    const promise = findCredentialByHash(this.deps.db, hash)
      .then((credential) => {
        if (credential) this.deps.cache.set(key, credential, generation);
        return credential;
      })
      .finally(() => {
        if (this.inflight.get(key)?.promise === promise) this.inflight.delete(key);
      });
    this.inflight.set(key, { generation, promise });
    return promise;
  }

  private fail(reason: FailureReason, address: string, tokenId: string | null): Error {
    this.deps.metrics.authFailures.inc({ reason });
    // Over the limit, a failure is answered 429 and only counted: a flood from one address is
    // then not a log line and an audit row per request.
    const wait = this.deps.limiter.retryAfterSeconds(address);
    if (wait > 0) {
      return new RateLimitedError(
        wait,
        `The credential was not accepted, and too many have failed from this address; retry after ${wait} seconds.`,
      );
    }
    this.deps.limiter.recordFailure(address);
    this.deps.logger.info({ reason, ip: address, token_id: tokenId }, 'authentication failed');
    this.deps.audit.push({
      occurredAt: this.deps.clock.now(),
      action: 'authentication.failed',
      outcome: 'failure',
      tokenId,
      sourceIp: address,
      details: { reason },
    });
    return new UnauthenticatedError();
  }
}

function toPrincipal(credential: StoredCredential): Principal {
  if (credential.kind === 'service_account') {
    return {
      credentialType: 'service_account',
      tokenId: credential.tokenId,
      expiresAt: credential.expiresAt,
      user: null,
      serviceAccount: { id: credential.serviceAccountId as string, name: credential.serviceAccountName ?? '', teams: credential.teams },
    };
  }
  return {
    credentialType: 'personal_access_token',
    tokenId: credential.tokenId,
    expiresAt: credential.expiresAt,
    user: {
      id: credential.userId as string,
      email: credential.email ?? '',
      name: credential.userName ?? '',
      teams: credential.teams,
    },
    serviceAccount: null,
  };
}
