// Sign-in, session lookup and sign-out. Passwords are checked with argon2id; sessions live in
// PostgreSQL and are checked on every request (idle and absolute limits, user still active).
import type { Knex } from 'knex';
import type pino from 'pino';
import { insertAuditEvents, type AuditEventInput } from '../audit/repository';
import { FailureLimiter } from '../auth/failure-limiter';
import type { Principal } from '../auth/principal';
import type { Clock } from '../clock';
import { RateLimitedError, UnauthenticatedError } from '../errors';
import { dummyPasswordHash, hashPassword, needsRehash, verifyPassword } from './password-hash';
import {
  deleteEndedSessions,
  deleteSession,
  findAccountByEmail,
  findSessionByHash,
  insertSession,
  touchSession,
  upsertPasswordHash,
  type SessionRecord,
} from './session-repository';
import { hashSessionSecret, isWellFormedSessionSecret, newCsrfToken, newSessionSecret } from './session-secret';
import type { OriginPolicy } from './csrf';
import { DEFAULT_SESSION_SETTINGS, type SessionSettings } from './settings';

export interface SessionDependencies {
  db: Knex;
  clock: Clock;
  logger: pino.Logger;
  /** Failed sign-ins per address; defaults to SIGN_IN_FAILURE_LIMIT per SIGN_IN_FAILURE_WINDOW_MS. */
  limiter?: FailureLimiter;
  /** Failed sign-ins per email; defaults to ACCOUNT_FAILURE_LIMIT per ACCOUNT_FAILURE_WINDOW_MS. */
  accountLimiter?: FailureLimiter;
  settings?: Partial<SessionSettings>;
  /** The origin of TESSERA_PUBLIC_URL, which CSRF checks compare against; unset: the request's own. */
  publicOrigin?: string | undefined;
}

/** A live session as the session endpoints describe it. */
export interface ActiveSession {
  id: string;
  user: { id: string; email: string; name: string };
  csrfToken: string;
  createdAt: Date;
  /** Absolute end. */
  expiresAt: Date;
  /** End if unused from now on. */
  idleExpiresAt: Date;
  principal: Principal;
}

export type SignInFailure = 'unknown_email' | 'no_password' | 'wrong_password' | 'inactive';

// One body for every failure, so a caller cannot tell which accounts exist or have passwords.
export const signInRefused = (): UnauthenticatedError => new UnauthenticatedError('The email or password is incorrect.', 'sign-in-failed');

// Tighter than the token limit: each attempt costs an argon2 hash, and people retype slowly.
// Over the per-address limit, wrong passwords are answered 429 instead of 401; a right one still
// signs in, so people behind one NAT are not locked out by someone else's failures.
export const SIGN_IN_FAILURE_LIMIT = 10;
export const SIGN_IN_FAILURE_WINDOW_MS = 5 * 60 * 1000;
// Passwords, unlike tokens, can be guessed, so the limit that bounds guessing is per account: after
// this many failures for one email, from any address, every attempt for it (right password
// included) is 429 until the window frees up. Unknown emails are counted the same way, so the
// answers do not reveal which accounts exist.
export const ACCOUNT_FAILURE_LIMIT = 10;
export const ACCOUNT_FAILURE_WINDOW_MS = 15 * 60 * 1000;

/** The per-account limiter's key: emails match case-insensitively, as findAccountByEmail does. */
const accountKey = (email: string): string => email.trim().toLowerCase();

export class SessionService {
  readonly settings: SessionSettings;
  readonly originPolicy: OriginPolicy;
  private readonly limiter: FailureLimiter;
  private readonly accountLimiter: FailureLimiter;
  /** Sign-ins being checked per account key, which the per-account limit counts as failures. */
  private readonly checking = new Map<string, number>();

  constructor(private readonly deps: SessionDependencies) {
    this.settings = { ...DEFAULT_SESSION_SETTINGS, ...deps.settings };
    this.limiter =
      deps.limiter ??
      new FailureLimiter({
        maxFailures: SIGN_IN_FAILURE_LIMIT,
        windowMs: SIGN_IN_FAILURE_WINDOW_MS,
        now: () => deps.clock.now().getTime(),
      });
    this.accountLimiter =
      deps.accountLimiter ??
      new FailureLimiter({
        maxFailures: ACCOUNT_FAILURE_LIMIT,
        windowMs: ACCOUNT_FAILURE_WINDOW_MS,
        now: () => deps.clock.now().getTime(),
      });
    this.originPolicy = { publicOrigin: deps.publicOrigin, trustedOrigins: this.settings.trustedOrigins };
  }

  // Sign-ins and sign-outs are rare and rate limited, so they are written at once rather than
  // batched: the trail then never depends on a buffer being flushed at shutdown.
  private async audit(event: AuditEventInput): Promise<void> {
    try {
      await insertAuditEvents(this.deps.db, [event]);
    } catch (error) {
      this.deps.logger.error(
        { err: error instanceof Error ? error.message : String(error), action: event.action },
        'could not write audit event',
      );
    }
  }

  /** Checks the password; on success stores a new session and returns it with the cookie secret. */
  async signIn(email: string, password: string, address: string): Promise<{ secret: string; session: ActiveSession }> {
    // Checked before the password, so a locked account costs no argon2 and says nothing about it.
    const key = accountKey(email);
    const accountWait = this.accountLimiter.retryAfterSeconds(key, this.checking.get(key) ?? 0);
    if (accountWait > 0) {
      throw new RateLimitedError(accountWait, `Too many failed sign-ins for this email; try again in ${accountWait} seconds.`);
    }
    this.checking.set(key, (this.checking.get(key) ?? 0) + 1);
    let checked = false;
    // Called once the outcome is known (and recorded, if a failure), or when anything throws.
    const done = (): void => {
      if (checked) return;
      checked = true;
      const left = (this.checking.get(key) ?? 1) - 1;
      if (left > 0) this.checking.set(key, left);
      else this.checking.delete(key);
    };
    try {
      return await this.checkPassword(key, email, password, address, done);
    } finally {
      done();
    }
  }

  private async checkPassword(
    key: string,
    email: string,
    password: string,
    address: string,
    done: () => void,
  ): Promise<{ secret: string; session: ActiveSession }> {
    const account = await findAccountByEmail(this.deps.db, email);
    // Always run one argon2 verification, so an unknown email takes as long as a wrong password.
    const matches = await verifyPassword(account?.passwordHash ?? (await dummyPasswordHash()), password);
    const failure: SignInFailure | null = !account
      ? 'unknown_email'
      : account.passwordHash === null
        ? 'no_password'
        : !matches
          ? 'wrong_password'
          : !account.active
            ? 'inactive'
            : null;
    const now = this.deps.clock.now();
    if (failure !== null || !account) {
      this.accountLimiter.recordFailure(key);
      done();
      const addressWait = this.limiter.retryAfterSeconds(address);
      if (addressWait === 0) this.limiter.recordFailure(address);
      await this.audit({
        occurredAt: now,
        action: 'session.sign_in',
        outcome: 'failure',
        actorUserId: account?.userId ?? null,
        sourceIp: address,
        details: addressWait === 0 ? { reason: failure } : { reason: failure, rate_limited: true },
      });
      if (addressWait > 0) {
        throw new RateLimitedError(
          addressWait,
          `The email or password is incorrect, and too many sign-ins have failed from this address; wait ${addressWait} seconds before trying again.`,
        );
      }
      throw signInRefused();
    }

    done();
    if (account.passwordHash !== null && needsRehash(account.passwordHash)) {
      await upsertPasswordHash(this.deps.db, account.userId, await hashPassword(password), now);
    }
    await deleteEndedSessions(this.deps.db, now, this.settings.idleTimeoutMs);
    const secret = newSessionSecret();
    const csrfToken = newCsrfToken();
    const expiresAt = new Date(now.getTime() + this.settings.absoluteTimeoutMs);
    const id = await insertSession(this.deps.db, {
      userId: account.userId,
      secretHash: hashSessionSecret(secret),
      csrfToken,
      createdAt: now,
      expiresAt,
    });
    await this.audit({
      occurredAt: now,
      action: 'session.sign_in',
      outcome: 'success',
      actorUserId: account.userId,
      targetType: 'session',
      targetId: id,
      sourceIp: address,
    });
    const record = await findSessionByHash(this.deps.db, hashSessionSecret(secret));
    if (!record) throw new Error('the session just created could not be read back');
    return { secret, session: this.describe(record) };
  }

  /**
   * The live session for a cookie secret, or null if there is none (unknown, ended, expired,
   * or its user deactivated). Moves the idle deadline at most once per touch interval.
   */
  async resume(secret: string): Promise<ActiveSession | null> {
    if (!isWellFormedSessionSecret(secret)) return null;
    const record = await findSessionByHash(this.deps.db, hashSessionSecret(secret));
    if (!record) return null;
    const now = this.deps.clock.now();
    const idleDeadline = record.lastSeenAt.getTime() + this.settings.idleTimeoutMs;
    if (now.getTime() >= record.expiresAt.getTime() || now.getTime() >= idleDeadline) {
      await deleteSession(this.deps.db, record.id);
      return null;
    }
    if (!record.userActive) return null;
    if (now.getTime() - record.lastSeenAt.getTime() >= this.settings.touchIntervalMs) {
      await touchSession(this.deps.db, record.id, now);
      record.lastSeenAt = now;
    }
    return this.describe(record);
  }

  async signOut(session: ActiveSession, address: string): Promise<void> {
    await deleteSession(this.deps.db, session.id);
    await this.audit({
      occurredAt: this.deps.clock.now(),
      action: 'session.sign_out',
      outcome: 'success',
      actorUserId: session.user.id,
      targetType: 'session',
      targetId: session.id,
      sourceIp: address,
    });
  }

  private describe(record: SessionRecord): ActiveSession {
    const idleExpiresAt = new Date(Math.min(record.lastSeenAt.getTime() + this.settings.idleTimeoutMs, record.expiresAt.getTime()));
    const user = { id: record.userId, email: record.email, name: record.name };
    return {
      id: record.id,
      user,
      csrfToken: record.csrfToken,
      createdAt: record.createdAt,
      expiresAt: record.expiresAt,
      idleExpiresAt,
      principal: {
        credentialType: 'session',
        // Sessions are not tokens: a session id in token_id would read, in /me and the audit
        // trail, as if a personal access token had been used.
        tokenId: null,
        expiresAt: idleExpiresAt,
        user: { ...user, teams: record.teams },
        serviceAccount: null,
      },
    };
  }
}
