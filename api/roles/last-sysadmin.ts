// Some active user must always hold SysAdmin: without one nobody could manage users, teams or
// service accounts through the API. Every change that can take SysAdmin away runs through here.
import type { Knex } from 'knex';
import { ConflictError } from '../errors';
import { countActiveSysAdmins, lockSysAdminChanges } from './repository';

const LAST_SYSADMIN_DETAIL = 'This change would leave no active user with the SysAdmin role; give another active user SysAdmin first.';

/**
 * Runs a change that may take SysAdmin away from someone, and refuses it (rolling it back) when
 * afterwards no active user holds SysAdmin through any team: nobody could then manage users,
 * teams or service accounts through the API.
 */
export async function keepingASysAdmin<T>(trx: Knex.Transaction, change: () => Promise<T>): Promise<T> {
  await lockSysAdminChanges(trx);
  const hadOne = (await countActiveSysAdmins(trx)) > 0;
  const result = await change();
  // A database that already had none (before any bootstrap) is not made worse by the change.
  if (hadOne && (await countActiveSysAdmins(trx)) === 0) throw new ConflictError(LAST_SYSADMIN_DETAIL, 'last-sysadmin');
  return result;
}
