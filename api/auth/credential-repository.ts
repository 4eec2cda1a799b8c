// SQL the authenticator runs. The verification query is the hot one: a single lookup through
// the unique index on secret_hash, with the owner's teams (a user's or a service account's)
// aggregated in the same round trip.
import type { Queryable } from '../db/connection';
import type { Role } from '../contract/primitives';
import type { SecretKind } from '../credentials/secret';

/** A token as the authenticator needs it: the stored hash, its state, and whose it is. */
export interface StoredCredential {
  tokenId: string;
  kind: SecretKind;
  secretHash: Buffer;
  expiresAt: Date | null;
  revoked: boolean;
  userId: string | null;
  userActive: boolean;
  email: string | null;
  userName: string | null;
  teams: Array<{ id: string; name: string; role: Role }>;
  serviceAccountId: string | null;
  serviceAccountName: string | null;
}

interface CredentialRow {
  id: string;
  kind: SecretKind;
  secret_hash: Buffer;
  expires_at: Date | null;
  revoked_at: Date | null;
  user_id: string | null;
  service_account_id: string | null;
  email: string | null;
  user_name: string | null;
  active: boolean | null;
  service_account_name: string | null;
  service_account_deleted_at: Date | null;
  teams: StoredCredential['teams'] | null;
}

const CREDENTIAL_BY_HASH = `
  SELECT t.id, t.kind, t.secret_hash, t.expires_at, t.revoked_at, t.user_id, t.service_account_id,
         u.email, u.name AS user_name, u.active,
         sa.name AS service_account_name, sa.deleted_at AS service_account_deleted_at,
         CASE WHEN t.user_id IS NOT NULL THEN
           (SELECT json_agg(json_build_object('id', tm.id, 'name', tm.name, 'role', tm.role) ORDER BY tm.name)
              FROM team_members m JOIN teams tm ON tm.id = m.team_id
             WHERE m.user_id = t.user_id)
         ELSE
           (SELECT json_agg(json_build_object('id', tm.id, 'name', tm.name, 'role', tm.role) ORDER BY tm.name)
              FROM service_account_team_members m JOIN teams tm ON tm.id = m.team_id
             WHERE m.service_account_id = t.service_account_id)
         END AS teams
    FROM tokens t
    LEFT JOIN users u ON u.id = t.user_id
    LEFT JOIN service_accounts sa ON sa.id = t.service_account_id
   WHERE t.secret_hash = ?`;

export async function findCredentialByHash(db: Queryable, secretHash: Buffer): Promise<StoredCredential | null> {
  const result = (await db.raw(CREDENTIAL_BY_HASH, [secretHash])) as { rows: CredentialRow[] };
  const row = result.rows[0];
  if (!row) return null;
  return {
    tokenId: row.id,
    kind: row.kind,
    secretHash: row.secret_hash,
    expiresAt: row.expires_at,
    revoked: row.revoked_at !== null || row.service_account_deleted_at !== null,
    userId: row.user_id,
    userActive: row.active === true,
    email: row.email,
    userName: row.user_name,
    teams: row.teams ?? [],
    serviceAccountId: row.service_account_id,
    serviceAccountName: row.service_account_name,
  };
}

/**
 * Writes batched last-use times. The WHERE keeps "at most once a minute" true even when several
 * API processes report the same token.
 */
export async function writeLastUsed(db: Queryable, uses: Array<{ tokenId: string; at: Date }>): Promise<void> {
  if (uses.length === 0) return;
  await db.raw(
    `UPDATE tokens t SET last_used_at = u.at
       FROM unnest(?::uuid[], ?::timestamptz[]) AS u(id, at)
      WHERE t.id = u.id AND (t.last_used_at IS NULL OR t.last_used_at <= u.at - interval '60 seconds')`,
    [uses.map((u) => u.tokenId), uses.map((u) => u.at.toISOString())],
  );
}
