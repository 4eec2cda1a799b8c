// SQL for the rule that some active user always holds SysAdmin.
import type { Queryable } from '../db/connection';

/**
 * Serialises every change that could leave no active SysAdmin, until the transaction ends. Taken
 * before the change and the count below, so of two concurrent demotions the second counts after
 * the first has committed.
 */
export async function lockSysAdminChanges(db: Queryable): Promise<void> {
  await db.raw("SELECT pg_advisory_xact_lock(hashtext('tessera.sysadmins'))");
}

/** Active users who hold SysAdmin through any team. */
export async function countActiveSysAdmins(db: Queryable): Promise<number> {
  const row = (await db('users as u')
    .join('team_members as m', 'm.user_id', 'u.id')
    .join('teams as t', 't.id', 'm.team_id')
    .where('u.active', true)
    .andWhere('t.role', 'SysAdmin')
    .countDistinct({ n: 'u.id' })
    .first()) as { n: string | number } | undefined;
  return Number(row?.n ?? 0);
}
