// Teams and memberships. Every change that can alter someone's permissions invalidates their
// cached credentials, so it applies to their existing tokens on the next request.
import { recordAudit } from '../audit/record';
import { changeAuthState, type Actor, type ServiceContext } from '../context';
import { ConflictError, NotFoundError } from '../errors';
import { toPage, type Page, type PageRequest } from '../pagination';
import type { Role } from '../contract/primitives';
import type { TeamDetailView, TeamView } from '../contract/teams';
import { keepingASysAdmin } from '../roles/last-sysadmin';
import { findUserById } from '../users/repository';
import { findServiceAccount } from '../service-accounts/repository';
import type { InvalidationMessage } from '../auth/cache';
import type { Queryable } from '../db/connection';
import {
  addMember as addMemberRow,
  addServiceAccountMember,
  listServiceAccountMembers,
  removeServiceAccountMember,
  serviceAccountMemberIds,
  deleteTeam as deleteTeamRow,
  findTeamById,
  insertTeam,
  listMembers,
  listTeams as listTeamRows,
  lockTeam,
  memberIds,
  removeMember as removeMemberRow,
  updateTeam as updateTeamRow,
  type TeamRow,
} from './repository';

export type { TeamDetailView, TeamView };

function toTeamView(row: TeamRow): TeamView {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    member_count: row.member_count,
    service_account_count: row.service_account_count,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

/** Every member's cached credentials (users' and service accounts') carry the team's name and role. */
async function invalidateMembers(db: Queryable, teamId: string, invalidate: (message: InvalidationMessage) => void): Promise<void> {
  for (const userId of await memberIds(db, teamId)) invalidate({ scope: 'user', id: userId });
  for (const accountId of await serviceAccountMemberIds(db, teamId)) invalidate({ scope: 'service_account', id: accountId });
}

export async function createTeam(ctx: ServiceContext, actor: Actor, input: { name: string; role: Role }): Promise<TeamDetailView> {
  const id = await ctx.db.transaction(async (trx) => {
    const now = ctx.clock.now();
    const created = await insertTeam(trx, { name: input.name, role: input.role, now });
    if (!created) throw new ConflictError(`A team named ${input.name} already exists.`);
    await recordAudit(trx, actor, now, 'team.created', { type: 'team', id: created }, { name: input.name, role: input.role });
    return created;
  });
  return getTeam(ctx, id);
}

export async function getTeam(ctx: ServiceContext, id: string): Promise<TeamDetailView> {
  const row = await findTeamById(ctx.db, id);
  if (!row) throw new NotFoundError('team');
  return { ...toTeamView(row), members: await listMembers(ctx.db, id), service_accounts: await listServiceAccountMembers(ctx.db, id) };
}

export async function listTeams(
  ctx: ServiceContext,
  page: PageRequest,
  filter: { name?: string | undefined } = {},
): Promise<Page<TeamView>> {
  const rows = await listTeamRows(ctx.db, page, filter);
  const result = toPage(rows, page.pageSize, (r) => [r.created_at.toISOString(), r.id]);
  return { items: result.items.map(toTeamView), nextPageToken: result.nextPageToken };
}

export async function updateTeam(
  ctx: ServiceContext,
  actor: Actor,
  id: string,
  changes: { name?: string; role?: Role },
): Promise<TeamDetailView> {
  await changeAuthState(ctx, async (trx, invalidate) => {
    await lockTeam(trx, id);
    const before = await findTeamById(trx, id);
    if (!before) throw new NotFoundError('team');
    const now = ctx.clock.now();
    if (changes.name !== undefined && changes.name.toLowerCase() !== before.name.toLowerCase()) {
      const taken = (await trx('teams').whereRaw('lower(name) = lower(?)', [changes.name]).whereNot({ id }).first()) as unknown;
      if (taken) throw new ConflictError(`A team named ${changes.name} already exists.`);
    }
    await keepingASysAdmin(trx, () => updateTeamRow(trx, id, { ...changes, now }));
    await invalidateMembers(trx, id, invalidate);
    if (changes.role !== undefined && changes.role !== before.role) {
      await recordAudit(trx, actor, now, 'team.role_changed', { type: 'team', id }, { from: before.role, to: changes.role });
    }
    if (changes.name !== undefined && changes.name !== before.name) {
      await recordAudit(trx, actor, now, 'team.renamed', { type: 'team', id }, { from: before.name, to: changes.name });
    }
  });
  return getTeam(ctx, id);
}

export async function deleteTeam(ctx: ServiceContext, actor: Actor, id: string): Promise<void> {
  await changeAuthState(ctx, async (trx, invalidate) => {
    await lockTeam(trx, id);
    const before = await findTeamById(trx, id);
    if (!before) throw new NotFoundError('team');
    await invalidateMembers(trx, id, invalidate);
    await keepingASysAdmin(trx, () => deleteTeamRow(trx, id));
    await recordAudit(trx, actor, ctx.clock.now(), 'team.deleted', { type: 'team', id }, { name: before.name, role: before.role });
  });
}

/** PUT membership: idempotent; returns whether it was new. */
export async function addMember(ctx: ServiceContext, actor: Actor, teamId: string, userId: string): Promise<boolean> {
  return changeAuthState(ctx, async (trx, invalidate) => {
    const team = await findTeamById(trx, teamId);
    if (!team) throw new NotFoundError('team');
    if (!(await findUserById(trx, userId))) throw new NotFoundError('user');
    const now = ctx.clock.now();
    const added = await addMemberRow(trx, teamId, userId, now);
    if (added) {
      invalidate({ scope: 'user', id: userId });
      await recordAudit(trx, actor, now, 'team.member_added', { type: 'team', id: teamId }, { user_id: userId, role: team.role });
    }
    return added;
  });
}

export async function removeMember(ctx: ServiceContext, actor: Actor, teamId: string, userId: string): Promise<void> {
  await changeAuthState(ctx, async (trx, invalidate) => {
    const team = await findTeamById(trx, teamId);
    if (!team) throw new NotFoundError('team');
    if (!(await keepingASysAdmin(trx, () => removeMemberRow(trx, teamId, userId)))) throw new NotFoundError('team member');
    invalidate({ scope: 'user', id: userId });
    await recordAudit(
      trx,
      actor,
      ctx.clock.now(),
      'team.member_removed',
      { type: 'team', id: teamId },
      { user_id: userId, role: team.role },
    );
  });
}

/** PUT a service account into a team: idempotent; returns whether it was new. */
export async function addServiceAccount(ctx: ServiceContext, actor: Actor, teamId: string, serviceAccountId: string): Promise<boolean> {
  return changeAuthState(ctx, async (trx, invalidate) => {
    const team = await findTeamById(trx, teamId);
    if (!team) throw new NotFoundError('team');
    if (!(await findServiceAccount(trx, serviceAccountId))) throw new NotFoundError('service account');
    const now = ctx.clock.now();
    const added = await addServiceAccountMember(trx, teamId, serviceAccountId, now);
    if (added) {
      invalidate({ scope: 'service_account', id: serviceAccountId });
      await recordAudit(
        trx,
        actor,
        now,
        'team.service_account_added',
        { type: 'team', id: teamId },
        { service_account_id: serviceAccountId, role: team.role },
      );
    }
    return added;
  });
}

/**
 * Takes a service account out of a team. Never refused for the last-SysAdmin rule: that rule
 * counts people only, so a machine identity can never be what keeps the humans in.
 */
export async function removeServiceAccount(ctx: ServiceContext, actor: Actor, teamId: string, serviceAccountId: string): Promise<void> {
  await changeAuthState(ctx, async (trx, invalidate) => {
    const team = await findTeamById(trx, teamId);
    if (!team) throw new NotFoundError('team');
    if (!(await removeServiceAccountMember(trx, teamId, serviceAccountId))) throw new NotFoundError('team service account');
    invalidate({ scope: 'service_account', id: serviceAccountId });
    await recordAudit(
      trx,
      actor,
      ctx.clock.now(),
      'team.service_account_removed',
      { type: 'team', id: teamId },
      { service_account_id: serviceAccountId, role: team.role },
    );
  });
}
