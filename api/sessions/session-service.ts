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
import { DEFAULT_SESSION_SETTINGS, type SessionSettings } from './settings';

export interface SessionDependencies {
  db: Knex;
  clock: Clock;
  logger: pino.Logger;
  /** Failed sign-ins per address; defaults to SIGN_IN_FAILURE_LIMIT per SIGN_IN_FAILURE_WINDOW_MS. */
  limiter?: FailureLimiter;
  settings?: Partial<SessionSettings>;
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
export const SIGN_IN_FAILURE_LIMIT = 10;
export const SIGN_IN_FAILURE_WINDOW_MS = 5 * 60 * 1000;

export class SessionService {
  readonly settings: SessionSettings;
  private readonly limiter: FailureLimiter;

  constructor(private readonly deps: SessionDependencies) {
    this.settings = { ...DEFAULT_SESSION_SETTINGS, ...deps.settings };
    this.limiter =
      deps.limiter ??
      new FailureLimiter({
        maxFailures: SIGN_IN_FAILURE_LIMIT,
        windowMs: SIGN_IN_FAILURE_WINDOW_MS,
        now: () => deps.clock.now().getTime(),
      });
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
    const wait = this.limiter.retryAfterSeconds(address);
    if (wait > 0) throw new RateLimitedError(wait);

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
      this.limiter.recordFailure(address);
      await this.audit({
        occurredAt: now,
        action: 'session.sign_in',
        outcome: 'failure',
        actorUserId: account?.userId ?? null,
        sourceIp: address,
        details: { reason: failure },
      });
      throw signInRefused();
    }

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
