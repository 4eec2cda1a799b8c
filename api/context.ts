// What services need from the running instance, passed explicitly rather than through globals.
import type { Knex } from 'knex';
import type { Clock } from './clock';
import type { AuthCache, InvalidationMessage } from './auth/cache';
import { publishInvalidation } from './auth/invalidation';
import type { Actor } from './audit/record';

export type { Actor };

/** The part of the last-used tracker (tokens/last-used.ts) that services read. */
export interface PendingUses {
  /** A use of the token not yet written to the database, if any. */
  pendingUse(tokenId: string): Date | undefined;
}

export interface ServiceContext {
  db: Knex;
  clock: Clock;
  serverKey: Buffer;
  patMaxDays: number;
  /** Null for one-off callers (admin CLI, bootstrap) that keep no cache. */
  cache: AuthCache | null;
  lastUsed: PendingUses | null;
}

export const SYSTEM_ACTOR: Actor = { userId: null, serviceAccountId: null, tokenId: null, sourceIp: null };

/**
 * Runs `work` in a transaction that also notifies every API process of the auth changes it
 * makes (delivered at commit), then invalidates this process's cache before returning, so the
 * very next request here already sees the change.
 */
export async function changeAuthState<T>(
  ctx: ServiceContext,
  work: (trx: Knex.Transaction, invalidate: (message: InvalidationMessage) => void) => Promise<T>,
): Promise<T> {
  const messages: InvalidationMessage[] = [];
  const result = await ctx.db.transaction(async (trx) => {
    const value = await work(trx, (message) => messages.push(message));
    for (const message of messages) await publishInvalidation(trx, message);
    return value;
  });
  for (const message of messages) ctx.cache?.apply(message);
  return result;
}
