// First-start bootstrap and the operations behind the admin CLI. They work against any database
// (no running API needed) and go through the same services as the HTTP API, so the same rules,
// audit events and notifications apply.
import type { Knex } from 'knex';
import { z } from 'zod';
import { systemClock, type Clock } from './clock';
import { SYSTEM_ACTOR, type ServiceContext } from './context';
import { DEFAULT_ADMIN_EMAIL } from './config';
import { createKnex } from './db/connection';
import { DomainError } from './errors';
import { emailSchema, nameSchema, roleSchema, type Role } from './contract/primitives';
import { recordAudit } from './audit/record';
import { DEFAULT_PAT_MAX_DAYS, PAT_MIN_DAYS } from './tokens/policy';
import { insertPersonalToken, type CreatedPersonalToken } from './tokens/service';
import { countUsers, findUserByEmail, insertUser } from './users/repository';
import { addMember, findTeamByName, insertTeam } from './teams/repository';
import { getUser, type UserView } from './users/service';
import { publishInvalidation } from './auth/invalidation';

export const BOOTSTRAP_ADMIN_EMAIL = DEFAULT_ADMIN_EMAIL;
export const BOOTSTRAP_TEAM_NAME = 'SysAdmin';
export const BOOTSTRAP_TOKEN_DAYS = 1;

/** A bad argument to an admin operation; its message is safe to print as is. */
export class AdminInputError extends Error {
  override name = 'AdminInputError';
}

export interface AdminDatabaseOptions {
  /** A connection string (a pool is opened and closed around the call) or an open knex. */
  database: string | Knex;
  serverKey: Buffer;
  clock?: Clock;
  patMaxDays?: number;
}

async function withContext<T>(options: AdminDatabaseOptions, work: (ctx: ServiceContext) => Promise<T>): Promise<T> {
  const db =
    typeof options.database === 'string'
      ? createKnex(options.database, { poolMax: 2, applicationName: 'tessera-admin' })
      : options.database;
  const ctx: ServiceContext = {
    db,
    clock: options.clock ?? systemClock,
    serverKey: options.serverKey,
    patMaxDays: options.patMaxDays ?? DEFAULT_PAT_MAX_DAYS,
    cache: null,
    lastUsed: null,
  };
  try {
    return await work(ctx);
  } catch (error) {
    // Service rule violations (409/404/422) are user errors here, not crashes.
    if (error instanceof DomainError) throw new AdminInputError(error.detail);
    throw error;
  } finally {
    if (typeof options.database === 'string') await db.destroy();
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new AdminInputError(`${what} ${parsed.error.issues[0]?.message ?? 'is invalid'}`);
  return parsed.data;
}

/**
 * On a database with no users: creates the admin (`email`, default admin@tessera.localhost) in a SysAdmin team with a 1-day personal
 * token and returns its secret. Returns null (and changes nothing) when any user exists.
 * Safe against two processes bootstrapping at once (transaction-scoped advisory lock).
 */
export async function ensureBootstrapAdmin(options: AdminDatabaseOptions & { email?: string }): Promise<string | null> {
  const email = parse(emailSchema, options.email ?? BOOTSTRAP_ADMIN_EMAIL, 'the bootstrap admin email');
  return withContext(options, (ctx) =>
    ctx.db.transaction(async (trx) => {
      await trx.raw("SELECT pg_advisory_xact_lock(hashtext('tessera.bootstrap'))");
      if ((await countUsers(trx)) > 0) return null;
      const now = ctx.clock.now();
      const userId = (await insertUser(trx, { email, name: 'Administrator', active: true, now })) as string;
      const teamId =
        (await findTeamByName(trx, BOOTSTRAP_TEAM_NAME))?.id ??
        ((await insertTeam(trx, { name: BOOTSTRAP_TEAM_NAME, role: 'SysAdmin', now })) as string);
      await addMember(trx, teamId, userId, now);
      await recordAudit(trx, SYSTEM_ACTOR, now, 'user.created', { type: 'user', id: userId }, { email, bootstrap: true });
      await recordAudit(
        trx,
        SYSTEM_ACTOR,
        now,
        'team.member_added',
        { type: 'team', id: teamId },
        { user_id: userId, role: 'SysAdmin', bootstrap: true },
      );
      const created = await insertPersonalToken(ctx, trx, SYSTEM_ACTOR, userId, {
        name: 'bootstrap admin token',
        expirationDays: BOOTSTRAP_TOKEN_DAYS,
      });
      return created.token;
    }),
  );
}

export interface CreateUserAccountInput {
  email: string;
  name: string;
  /** Team to add the user to; created when missing (then `role` is required). */
  team?: string;
  role?: Role;
}

/** `npm run admin -- create-user --email E --name N [--team T --role R]`. */
export async function createUserAccount(options: AdminDatabaseOptions, input: CreateUserAccountInput): Promise<UserView> {
  const email = parse(emailSchema, input.email, '--email');
  const name = parse(nameSchema(), input.name, '--name');
  const teamName = input.team === undefined ? undefined : parse(nameSchema(), input.team, '--team');
  const role = input.role === undefined ? undefined : parse(roleSchema, input.role, '--role');
  if (role !== undefined && teamName === undefined) throw new AdminInputError('--role needs --team (roles belong to teams)');
  return withContext(options, async (ctx) => {
    const userId = await ctx.db.transaction(async (trx) => {
      const now = ctx.clock.now();
      const id = await insertUser(trx, { email, name, active: true, now });
      if (!id) throw new AdminInputError(`a user with the email ${email} already exists`);
      await recordAudit(trx, SYSTEM_ACTOR, now, 'user.created', { type: 'user', id }, { email, via: 'admin-cli' });
      if (teamName !== undefined) {
        let team = await findTeamByName(trx, teamName);
        if (team && role !== undefined && team.role !== role) {
          throw new AdminInputError(`team ${team.name} exists with role ${team.role}, not ${role}`);
        }
        if (!team) {
          if (role === undefined) throw new AdminInputError(`team ${teamName} does not exist; give --role to create it`);
          const teamId = (await insertTeam(trx, { name: teamName, role, now })) as string;
          await recordAudit(
            trx,
            SYSTEM_ACTOR,
            now,
            'team.created',
            { type: 'team', id: teamId },
            { name: teamName, role, via: 'admin-cli' },
          );
          team = await findTeamByName(trx, teamName);
        }
        const teamId = (team as { id: string }).id;
        await addMember(trx, teamId, id, now);
        await recordAudit(trx, SYSTEM_ACTOR, now, 'team.member_added', { type: 'team', id: teamId }, { user_id: id, via: 'admin-cli' });
        await publishInvalidation(trx, { scope: 'user', id });
      }
      return id;
    });
    return getUser(ctx, userId);
  });
}

const lookupEmailSchema = z
  .string()
  .trim()
  .min(1, { error: 'must be an email address' })
  .max(254, { error: 'must be at most 254 characters' })
  .transform((s) => s.toLowerCase());

export interface CreateTokenForEmailInput {
  email: string;
  days: number;
  name?: string;
}

/** `npm run admin -- create-token --email E --days D`; the result's `token` is the secret. */
export async function createPersonalTokenForEmail(
  options: AdminDatabaseOptions,
  input: CreateTokenForEmailInput,
): Promise<CreatedPersonalToken> {
  const max = options.patMaxDays ?? DEFAULT_PAT_MAX_DAYS;
  // Only looked up, never stored: any address a user has is accepted, so databases bootstrapped
  // before the default admin address had a dot still work.
  const email = parse(lookupEmailSchema, input.email, '--email');
  if (!Number.isInteger(input.days) || input.days < PAT_MIN_DAYS || input.days > max) {
    throw new AdminInputError(`--days must be an integer between ${PAT_MIN_DAYS} and ${max}`);
  }
  const name = parse(nameSchema(), input.name ?? 'admin CLI token', '--name');
  return withContext(options, async (ctx) => {
    const user = await findUserByEmail(ctx.db, email);
    if (!user) throw new AdminInputError(`no user with the email ${email}`);
    if (!user.active) throw new AdminInputError(`the user ${email} is deactivated`);
    return ctx.db.transaction((trx) => insertPersonalToken(ctx, trx, SYSTEM_ACTOR, user.id, { name, expirationDays: input.days }));
  });
}
