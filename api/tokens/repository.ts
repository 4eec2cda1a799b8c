// SQL for tokens (personal and service-account): create, list, revoke. The lookup that verifies
// a presented secret is the authenticator's (api/auth/credential-repository.ts).
import { AUDIT_EVENT_COLUMN_TYPES, auditEventRow, type AuditEventInput } from '../audit/repository';
import type { Knex } from 'knex';
import type { Queryable } from '../db/connection';
import { CLAIM_RECORD_SQL, claimRecordBindings, type IdempotencyRecord } from '../idempotency/repository';
import { preparedStatement, runStatement, type PreparedStatement } from '../db/statement';
import { keyPair, type PageRequest } from '../pagination';
import type { SecretKind } from '../credentials/secret';

export interface TokenRow {
  id: string;
  kind: SecretKind;
  user_id: string | null;
  service_account_id: string | null;
  name: string;
  token_hint: string;
  expiration_days: number | null;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
  created_via: string | null;
  client_reference: string | null;
}

const METADATA_COLUMNS = [
  'id',
  'kind',
  'user_id',
  'service_account_id',
  'name',
  'token_hint',
  'expiration_days',
  'created_at',
  'expires_at',
  'revoked_at',
  'last_used_at',
  'created_via',
  'client_reference',
] as const;

/** The unique index that makes a client_reference name at most one token of a user. */
export const CLIENT_REFERENCE_CONSTRAINT = 'tokens_user_client_reference_key';

export interface NewToken {
  kind: SecretKind;
  userId: string | null;
  serviceAccountId: string | null;
  name: string;
  secretHash: Buffer;
  tokenHint: string;
  expirationDays: number | null;
  createdAt: Date;
  expiresAt: Date | null;
  createdVia?: string | null;
  clientReference?: string | null;
}

/** Narrows a personal-token listing to the markers a client set at create. */
export interface TokenFilter {
  createdVia?: string;
  clientReference?: string;
}

/** A new token as its table row (column name → value). */
function tokenRow(token: NewToken & { id?: string }): Record<string, Knex.Value> {
  return {
    ...(token.id === undefined ? {} : { id: token.id }),
    kind: token.kind,
    user_id: token.userId,
    service_account_id: token.serviceAccountId,
    name: token.name,
    secret_hash: token.secretHash,
    token_hint: token.tokenHint,
    expiration_days: token.expirationDays,
    created_at: token.createdAt,
    expires_at: token.expiresAt,
    created_via: token.createdVia ?? null,
    client_reference: token.clientReference ?? null,
  };
}

export async function insertToken(db: Queryable, token: NewToken): Promise<TokenRow> {
  const [row] = (await db('tokens').insert(tokenRow(token)).returning(METADATA_COLUMNS)) as TokenRow[];
  return row as TokenRow;
}

const TOKEN_COLUMN_TYPES: Readonly<Record<string, string>> = {
  id: 'uuid',
  kind: 'text',
  user_id: 'uuid',
  service_account_id: 'uuid',
  name: 'text',
  secret_hash: 'bytea',
  token_hint: 'text',
  expiration_days: 'integer',
  created_at: 'timestamptz',
  expires_at: 'timestamptz',
  created_via: 'text',
  client_reference: 'text',
};

/** `column, …` and `?::type, …` for a row of these columns bound in a SELECT list. */
function typedSelect(types: Readonly<Record<string, string>>): { columns: string; select: string } {
  const columns = Object.keys(types);
  return { columns: columns.join(', '), select: columns.map((column) => `?::${types[column]}`).join(', ') };
}

/**
 * A value as the create statement binds it. Dates go as ISO strings (the statement casts each
 * value to its column's type): the same instant, without pg's slower local-time formatting.
 */
function bindable(value: Knex.Value): Knex.Value {
  return value instanceof Date ? value.toISOString() : value;
}

/** A row's values in the order of `types`' columns. */
function rowValues(row: Record<string, Knex.Value>, types: Readonly<Record<string, string>>): Knex.Value[] {
  return Object.keys(types).map((column) => bindable(row[column] ?? null));
}

function sameColumns(row: Record<string, Knex.Value>, types: Readonly<Record<string, string>>): boolean {
  const columns = Object.keys(row);
  return columns.length === Object.keys(types).length && columns.every((column) => column in types);
}

/**
 * The create statement, with and without the idempotency claim. The token and audit rows always
 * have the same columns (a token's id is chosen before it is written), so the text never changes
 * and is built (and prepared, see api/db/statement.ts) once.
 */
const createStatements = new Map<boolean, PreparedStatement>();
function createStatement(token: Record<string, Knex.Value>, audit: Record<string, Knex.Value>, claimed: boolean): PreparedStatement {
  let statement = createStatements.get(claimed);
  if (statement === undefined) {
    if (!sameColumns(token, TOKEN_COLUMN_TYPES) || !sameColumns(audit, AUDIT_EVENT_COLUMN_TYPES)) {
      throw new Error('the token or audit row has columns without a type for the create statement');
    }
    const tokenSelect = typedSelect(TOKEN_COLUMN_TYPES);
    const auditSelect = typedSelect(AUDIT_EVENT_COLUMN_TYPES);
    const sql =
      `WITH ${claimed ? `claim AS (${CLAIM_RECORD_SQL}), ` : ''}` +
      `created AS (INSERT INTO tokens (${tokenSelect.columns}) SELECT ${tokenSelect.select}` +
      `${claimed ? ' WHERE EXISTS (SELECT 1 FROM claim)' : ''} RETURNING id) ` +
      `INSERT INTO audit_events (${auditSelect.columns}) SELECT ${auditSelect.select} FROM created RETURNING id`;
    statement = preparedStatement(claimed ? 'tessera_create_token_claimed' : 'tessera_create_token', sql);
    createStatements.set(claimed, statement);
  }
  return statement;
}

/**
 * Creates a token with its audit event, and with `record` its idempotency record, in one
 * statement: one round trip, atomic without a transaction. False, with nothing written, when
 * `record`'s key was already claimed.
 */
export async function createTokenWithAudit(
  db: Queryable,
  token: NewToken & { id: string },
  audit: AuditEventInput,
  record: IdempotencyRecord | null,
): Promise<boolean> {
  const tokenValues = tokenRow(token);
  const auditValues = auditEventRow(audit);
  const statement = createStatement(tokenValues, auditValues, record !== null);
  const values = record === null ? [] : claimRecordBindings(record).map(bindable);
  const rows = await runStatement(db, statement, [
    ...values,
    ...rowValues(tokenValues, TOKEN_COLUMN_TYPES),
    ...rowValues(auditValues, AUDIT_EVENT_COLUMN_TYPES),
  ]);
  return rows.length > 0;
}

/** A user's live personal tokens (not revoked, not expired at `now`), oldest first. */
export async function listLiveUserTokens(
  db: Queryable,
  userId: string,
  now: Date,
  page: PageRequest,
  filter: TokenFilter = {},
): Promise<TokenRow[]> {
  const query = db<TokenRow>('tokens')
    .select(METADATA_COLUMNS)
    .where({ user_id: userId, kind: 'personal_access_token' })
    .whereNull('revoked_at')
    .where('expires_at', '>', now)
    .orderBy([{ column: 'created_at' }, { column: 'id' }])
    .limit(page.pageSize + 1);
  if (page.after) query.whereRaw('(created_at, id) > (?::timestamptz, ?::uuid)', keyPair(page.after));
  if (filter.createdVia !== undefined) query.where('created_via', filter.createdVia);
  if (filter.clientReference !== undefined) query.where('client_reference', filter.clientReference);
  return (await query) as unknown as TokenRow[];
}

export async function findLiveUserToken(db: Queryable, userId: string, tokenId: string, now: Date): Promise<TokenRow | null> {
  const row = (await db<TokenRow>('tokens')
    .select(METADATA_COLUMNS)
    .where({ id: tokenId, user_id: userId, kind: 'personal_access_token' })
    .whereNull('revoked_at')
    .where('expires_at', '>', now)
    .first()) as TokenRow | undefined;
  return row ?? null;
}

export async function findPersonalToken(db: Queryable, tokenId: string): Promise<TokenRow | null> {
  const row = (await db<TokenRow>('tokens').select(METADATA_COLUMNS).where({ id: tokenId, kind: 'personal_access_token' }).first()) as
    TokenRow | undefined;
  return row ?? null;
}

/** Revokes one token if it is not revoked yet; returns whether it did. */
export async function revokeToken(db: Queryable, tokenId: string, now: Date): Promise<boolean> {
  const count = await db('tokens').where({ id: tokenId }).whereNull('revoked_at').update({ revoked_at: now });
  return count > 0;
}

/** Revokes every unrevoked personal token of a user; returns the ids revoked. */
export async function revokeAllUserTokens(db: Queryable, userId: string, now: Date): Promise<string[]> {
  const rows = (await db('tokens')
    .where({ user_id: userId, kind: 'personal_access_token' })
    .whereNull('revoked_at')
    .update({ revoked_at: now })
    .returning(['id'])) as Array<{ id: string }>;
  return rows.map((r) => r.id);
}

export async function revokeServiceAccountTokens(db: Queryable, serviceAccountId: string, now: Date): Promise<string[]> {
  const rows = (await db('tokens')
    .where({ service_account_id: serviceAccountId })
    .whereNull('revoked_at')
    .update({ revoked_at: now })
    .returning(['id'])) as Array<{ id: string }>;
  return rows.map((r) => r.id);
}

export async function findServiceAccountToken(db: Queryable, serviceAccountId: string): Promise<TokenRow | null> {
  const row = (await db<TokenRow>('tokens')
    .select(METADATA_COLUMNS)
    .where({ service_account_id: serviceAccountId })
    .orderBy('created_at', 'desc')
    .first()) as TokenRow | undefined;
  return row ?? null;
}
