// Service accounts: non-human identities, each with exactly one token (managed by SysAdmins). An
// account may be a member of teams; its token then carries those teams' roles.
import { z } from 'zod';
import { SERVICE_ACCOUNT_MAX_DAYS, SERVICE_ACCOUNT_MAX_TEAMS } from './limits';
import { AUTHENTICATED, LOCATION, NO_STORE, REPLAYED, WITH_BODY, errors, jsonResponse, defineOperation } from './operation';
import { isTimeIdKey, listOf, pageQuery } from './pagination';
import { integerInRange, nameSchema, teamIdsSchema, timestamp, uuid } from './primitives';
import { teamMembership } from './users';
import { idempotencyKeyHeader } from './tokens';

const TEAM_IDS_DESCRIPTION =
  `The teams the account is a member of; its token carries their roles. At most ${SERVICE_ACCOUNT_MAX_TEAMS}, each once; ` +
  'an id that names no team is a 422 naming `team_ids`.';

export const createServiceAccountBody = z
  .strictObject(
    {
      name: nameSchema(),
      expiration_days: integerInRange(1, SERVICE_ACCOUNT_MAX_DAYS).nullable().optional(),
      team_ids: teamIdsSchema(SERVICE_ACCOUNT_MAX_TEAMS)
        .optional()
        .meta({ description: `${TEAM_IDS_DESCRIPTION} Absent: no team.` }),
    },
    { error: 'must be a JSON object' },
  )
  .meta({ description: `No expiration_days (or null): no expiry. Otherwise 1–${SERVICE_ACCOUNT_MAX_DAYS} days.` });

export const updateServiceAccountBody = z
  .strictObject(
    {
      name: nameSchema().optional(),
      team_ids: teamIdsSchema(SERVICE_ACCOUNT_MAX_TEAMS)
        .optional()
        .meta({ description: `${TEAM_IDS_DESCRIPTION} Replaces the account's whole team set ([] leaves it in no team).` }),
    },
    { error: 'must be a JSON object' },
  )
  .refine((input) => input.name !== undefined || input.team_ids !== undefined, {
    error: 'must change at least one of name, team_ids',
    when: (payload) => payload.issues.length === 0,
  })
  .meta({ minProperties: 1 });

export const createdServiceAccount = z.object({
  id: uuid,
  name: z.string(),
  token: z
    .string()
    .regex(/^tssvc_[0-9A-Za-z]{36}$/)
    .meta({ description: 'Shown once; only a keyed hash is stored.' }),
  token_hint: z.string(),
  created_at: timestamp,
  expires_at: timestamp.nullable(),
  team_ids: z.array(uuid).meta({ description: 'The teams the account is a member of.' }),
});
export type CreatedServiceAccount = z.infer<typeof createdServiceAccount>;

export const serviceAccount = z.object({
  id: uuid,
  name: z.string(),
  token_id: uuid.nullable().meta({ description: 'Null once the account is deleted.' }),
  token_hint: z.string().nullable(),
  created_at: timestamp,
  expires_at: timestamp.nullable(),
  last_used_at: timestamp.nullable(),
  created_by_user_id: uuid.nullable().meta({ description: 'Null when a service account (or the admin command) created it.' }),
  team_ids: z.array(uuid).meta({ description: 'The ids of `teams`.' }),
  teams: z.array(teamMembership).meta({ description: 'The teams the account is a member of, by name; its token carries their roles.' }),
});
export type ServiceAccountView = z.infer<typeof serviceAccount>;

export const serviceAccountListQuery = z.object({
  ...pageQuery(isTimeIdKey),
  name: nameSchema()
    .optional()
    .meta({ description: 'Only accounts with this name (compared without regard to case, after trimming). Names need not be unique.' }),
});

const accountId = { id: { description: 'Service account id', what: 'service account' } };

export function serviceAccountOperations() {
  const tag = 'Service accounts';
  return [
    defineOperation({
      operationId: 'createServiceAccount',
      method: 'post',
      path: '/service-accounts',
      tag,
      summary: 'Create a service account and its token (SysAdmin)',
      description:
        'The secret is in the response only; it is never shown again. With `team_ids` the account is created in those teams, ' +
        'and its token carries their roles.',
      access: 'token',
      requires: 'sysadmin',
      headers: { 'Idempotency-Key': idempotencyKeyHeader },
      body: createServiceAccountBody,
      responses: {
        201: jsonResponse('Created', createdServiceAccount, {
          Location: LOCATION,
          'Cache-Control': NO_STORE,
          'Idempotent-Replayed': REPLAYED,
        }),
        ...errors(...AUTHENTICATED, ...WITH_BODY, 403, 409),
      },
    }),
    defineOperation({
      operationId: 'listServiceAccounts',
      method: 'get',
      path: '/service-accounts',
      tag,
      summary: 'Service accounts (SysAdmin)',
      description: 'Oldest first; deleted accounts are not listed. `name` filters by name.',
      access: 'token',
      requires: 'sysadmin',
      query: serviceAccountListQuery,
      responses: { 200: jsonResponse('OK', listOf('service_accounts', serviceAccount)), ...errors(...AUTHENTICATED, 403, 422) },
    }),
    defineOperation({
      operationId: 'getServiceAccount',
      method: 'get',
      path: '/service-accounts/{id}',
      tag,
      summary: 'A service account (SysAdmin)',
      description: 'Deleted accounts are a 404.',
      access: 'token',
      requires: 'sysadmin',
      params: accountId,
      responses: { 200: jsonResponse('OK', serviceAccount), ...errors(...AUTHENTICATED, 403, 404) },
    }),
    defineOperation({
      operationId: 'updateServiceAccount',
      method: 'patch',
      path: '/service-accounts/{id}',
      tag,
      summary: 'Rename a service account or set its teams (SysAdmin)',
      description:
        '`team_ids` replaces the team set. A change of teams applies to the existing token at once (on the next request, ' +
        'and within 100 ms on other API processes).',
      access: 'token',
      requires: 'sysadmin',
      params: accountId,
      body: updateServiceAccountBody,
      responses: { 200: jsonResponse('OK', serviceAccount), ...errors(...AUTHENTICATED, ...WITH_BODY, 403, 404) },
    }),
    defineOperation({
      operationId: 'deleteServiceAccount',
      method: 'delete',
      path: '/service-accounts/{id}',
      tag,
      summary: 'Delete a service account, revoking its token (SysAdmin)',
      description: 'Its token fails from the next request on.',
      access: 'token',
      requires: 'sysadmin',
      params: accountId,
      responses: { 204: { description: 'Deleted' }, ...errors(...AUTHENTICATED, 403, 404) },
    }),
  ] as const;
}
