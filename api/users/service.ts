// Users: create, list, show, update (deactivation included). Deactivation and reactivation
// invalidate the user's cached credentials everywhere; the tokens themselves stay as they are, so
// a reactivated user's unexpired, unrevoked tokens work again (the contract's acceptance rule).
import { recordAudit } from '../audit/record';
import { changeAuthState, type Actor, type ServiceContext } from '../context';
import { ConflictError, NotFoundError } from '../errors';
import { toPage, type Page, type PageRequest } from '../pagination';
import { deleteUserSessions } from '../sessions/session-repository';
import { keepingASysAdmin } from '../roles/last-sysadmin';
import { findUserById, insertUser, listUsers as listUserRows, updateUser as updateUserRow, type UserRow } from './repository';
import type { UserView } from '../contract/users';

export type { UserView };

export function toUserView(row: UserRow): UserView {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    active: row.active,
    teams: row.teams,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

export async function createUser(
  ctx: ServiceContext,
  actor: Actor,
  input: { email: string; name: string; active?: boolean },
): Promise<UserView> {
  const id = await ctx.db.transaction(async (trx) => {
    const now = ctx.clock.now();
    const created = await insertUser(trx, { email: input.email, name: input.name, active: input.active ?? true, now });
    if (!created) throw new ConflictError(`A user with the email ${input.email} already exists.`);
    await recordAudit(trx, actor, now, 'user.created', { type: 'user', id: created }, { email: input.email });
    return created;
  });
  return getUser(ctx, id);
}

export async function getUser(ctx: ServiceContext, id: string): Promise<UserView> {
  const row = await findUserById(ctx.db, id);
  if (!row) throw new NotFoundError('user');
  return toUserView(row);
}

export async function listUsers(
  ctx: ServiceContext,
  page: PageRequest,
  filter: { email?: string | undefined } = {},
): Promise<Page<UserView>> {
  const rows = await listUserRows(ctx.db, page, filter);
  const result = toPage(rows, page.pageSize, (r) => [r.created_at.toISOString(), r.id]);
  return { items: result.items.map(toUserView), nextPageToken: result.nextPageToken };
}

export async function updateUser(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
  changes: { name?: string; email?: string; active?: boolean },
): Promise<UserView> {
  if (changes.active === false && actor.userId === id) {
    throw new ConflictError('You cannot deactivate yourself; ask another SysAdmin.');
  }
  await changeAuthState(ctx, async (trx, invalidate) => {
    const before = await findUserById(trx, id);
    if (!before) throw new NotFoundError('user');
    const now = ctx.clock.now();
    if (changes.email !== undefined && changes.email !== before.email.toLowerCase()) {
      const taken = (await trx('users').whereRaw('lower(email) = ?', [changes.email]).whereNot({ id }).first()) as unknown;
      if (taken) throw new ConflictError(`A user with the email ${changes.email} already exists.`);
    }
    if (changes.active === false) {
      await keepingASysAdmin(trx, () => updateUserRow(trx, id, { ...changes, now }));
      // Web sessions end with the deactivation, so a later reactivation does not bring them back.
      await deleteUserSessions(trx, id);
    } else {
      await updateUserRow(trx, id, { ...changes, now });
    }
    // Identity fields are part of the cached credential, so any change invalidates it.
    invalidate({ scope: 'user', id });
    if (changes.active !== undefined && changes.active !== before.active) {
      await recordAudit(trx, actor, now, changes.active ? 'user.reactivated' : 'user.deactivated', { type: 'user', id });
    }
    const other: Record<string, unknown> = {};
    if (changes.name !== undefined && changes.name !== before.name) other['name'] = changes.name;
    if (changes.email !== undefined && changes.email !== before.email) other['email'] = changes.email;
    if (Object.keys(other).length > 0) await recordAudit(trx, actor, now, 'user.updated', { type: 'user', id }, other);
  });
  return getUser(ctx, id);
}
