// Service accounts: non-human identities, each with exactly one token (SysAdmin only).
import { z } from 'zod';
import { SERVICE_ACCOUNT_MAX_DAYS } from './limits';
import { AUTHENTICATED, LOCATION, NO_STORE, REPLAYED, WITH_BODY, errors, jsonResponse, defineOperation } from './operation';
import { isTimeIdKey, listOf, pageQuery } from './pagination';
import { integerInRange, nameSchema, timestamp, uuid } from './primitives';
import { idempotencyKeyHeader } from './tokens';

export const createServiceAccountBody = z
  .strictObject(
    { name: nameSchema(), expiration_days: integerInRange(1, SERVICE_ACCOUNT_MAX_DAYS).nullable().optional() },
    { error: 'must be a JSON object' },
  )
  .meta({ description: `No expiration_days (or null): no expiry. Otherwise 1–${SERVICE_ACCOUNT_MAX_DAYS} days.` });

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
  created_by_user_id: uuid.nullable(),
});
export type ServiceAccountView = z.infer<typeof serviceAccount>;

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
      description: 'The secret is in the response only; it is never shown again.',
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
      description: 'Oldest first; deleted accounts are not listed.',
      access: 'token',
      requires: 'sysadmin',
      query: z.object(pageQuery(isTimeIdKey)),
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
