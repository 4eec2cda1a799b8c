// Personal access tokens: the caller's own, and the SysAdmin's per-user views.
import { z } from 'zod';
import { IDEMPOTENCY_WINDOW_MS, PAT_MIN_DAYS } from './limits';
import {
  AUTHENTICATED,
  LOCATION,
  NO_STORE,
  REPLAYED,
  WITH_BODY,
  errors,
  jsonResponse,
  type HeaderSpec,
  defineOperation,
} from './operation';
import { isTimeIdKey, listOf, pageQuery } from './pagination';
import { integerInRange, nameSchema, timestamp, uuid } from './primitives';

export const CREATED_VIA_MAX = 100;
export const CLIENT_REFERENCE_MAX = 128;

const createdViaMessage = `must be 1 to ${CREATED_VIA_MAX} printable ASCII characters, not starting or ending with a space`;
const clientReferenceMessage = `must be 1 to ${CLIENT_REFERENCE_MAX} printable ASCII characters without spaces`;

/** Which client created a token, e.g. `terraform-provider-tessera/0.1.0`. Not secret. */
export const createdVia = z
  .string({ error: createdViaMessage })
  .regex(new RegExp(`^[\\x21-\\x7e](?:[\\x20-\\x7e]{0,${CREATED_VIA_MAX - 2}}[\\x21-\\x7e])?$`), { error: createdViaMessage })
  .meta({ description: 'Which client created the token, e.g. `terraform-provider-tessera/0.1.0`. Not secret.' });

/** An opaque value chosen by the client for one create, e.g. a UUID; unique per user. */
export const clientReference = z
  .string({ error: clientReferenceMessage })
  .regex(new RegExp(`^[\\x21-\\x7e]{1,${CLIENT_REFERENCE_MAX}}$`), { error: clientReferenceMessage })
  .meta({
    description:
      'An opaque value the client chose for this one create (e.g. a UUID), so it can find the token when it never received the ' +
      'create response. Unique per user: a second create with the same value is a 409 (problem type ' +
      '`urn:tessera:problem:client-reference-in-use`), also after the Idempotency-Key window. Not secret.',
  });

// The markers as every token view returns them: null when the create did not set them.
const clientMarkerViews = { created_via: createdVia.nullable(), client_reference: clientReference.nullable() };

/** The list filters on the markers. */
const clientMarkerFilters = {
  created_via: createdVia.optional().meta({ description: 'Only tokens created with this created_via.' }),
  client_reference: clientReference.optional().meta({ description: 'Only the token created with this client_reference.' }),
};

export function createPersonalAccessTokenBody(maxDays: number) {
  return z
    .strictObject(
      {
        name: nameSchema(),
        expiration_days: integerInRange(PAT_MIN_DAYS, maxDays),
        created_via: createdVia.optional(),
        client_reference: clientReference.optional(),
      },
      { error: 'must be a JSON object' },
    )
    .meta({ description: 'Unknown fields are refused (422) so typos do not pass silently.' });
}

export const createdPersonalAccessToken = z.object({
  id: uuid,
  name: z.string(),
  token: z
    .string()
    .regex(/^tspat_[0-9A-Za-z]{36}$/)
    .meta({ description: 'Shown once; only a keyed hash is stored.' }),
  token_hint: z.string().meta({ examples: ['tspat_…a1B2'] }),
  expiration_days: z.int(),
  created_at: timestamp,
  expires_at: timestamp.meta({ description: 'created_at + expiration_days × 24 h exactly.' }),
  ...clientMarkerViews,
});
export type CreatedPersonalAccessToken = z.infer<typeof createdPersonalAccessToken>;

export const personalAccessToken = z.object({
  id: uuid,
  name: z.string(),
  token_hint: z.string(),
  expiration_days: z.int(),
  created_at: timestamp,
  expires_at: timestamp,
  last_used_at: timestamp.nullable().meta({ description: 'Updated at most once a minute; null until first use.' }),
  ...clientMarkerViews,
});
export type PersonalAccessTokenView = z.infer<typeof personalAccessToken>;

export const revokedCount = z.object({ revoked_count: z.int().min(0) });

export const personalAccessTokenList = listOf('personal_access_tokens', personalAccessToken);

export const idempotencyKeyHeader: HeaderSpec & { required: boolean } = {
  required: false,
  schema: z.string().regex(/^[\x21-\x7e]{1,255}$/),
  description:
    `Makes the create safe to retry. Within ${IDEMPOTENCY_WINDOW_MS / 60000} minutes, the same key with the same body (compared as JSON, ` +
    'key order ignored) returns the original 201 response, secret included, with `Idempotent-Replayed: true`; the same key ' +
    'with another body is a 409. Keys are scoped to the calling user. The retained response is encrypted (AES-256-GCM) under a key ' +
    'derived (HKDF-SHA-256) from the idempotency key and the server key, and deleted after the window.',
};

const tokenId = { id: { description: 'Token id', what: 'personal access token' } };
const userId = { id: { description: 'User id', what: 'user' } };

export function tokenOperations(patMaxDays: number) {
  const tag = 'Personal access tokens';
  return [
    defineOperation({
      operationId: 'createPersonalAccessToken',
      method: 'post',
      path: '/personal-access-tokens',
      tag,
      summary: 'Create a personal access token for the caller',
      description: 'Any user (not a service account). The secret is in the response only; it is never shown again.',
      access: 'token',
      requires: 'user',
      headers: { 'Idempotency-Key': idempotencyKeyHeader },
      body: createPersonalAccessTokenBody(patMaxDays),
      responses: {
        201: jsonResponse('Created', createdPersonalAccessToken, {
          Location: LOCATION,
          'Cache-Control': NO_STORE,
          'Idempotent-Replayed': REPLAYED,
        }),
        ...errors(...AUTHENTICATED, ...WITH_BODY, 403, 409),
      },
    }),
    defineOperation({
      operationId: 'listPersonalAccessTokens',
      method: 'get',
      path: '/personal-access-tokens',
      tag,
      summary: "The caller's live tokens (not revoked, not expired), metadata only",
      description: 'Oldest first.',
      access: 'token',
      requires: 'user',
      query: z.object({ ...pageQuery(isTimeIdKey), ...clientMarkerFilters }),
      responses: { 200: jsonResponse('OK', personalAccessTokenList), ...errors(...AUTHENTICATED, 403, 422) },
    }),
    defineOperation({
      operationId: 'revokeAllPersonalAccessTokens',
      method: 'delete',
      path: '/personal-access-tokens',
      tag,
      summary: "Revoke all of the caller's tokens (including the one used for this call)",
      description: 'Every token of the caller fails from the next request on.',
      access: 'token',
      requires: 'user',
      responses: { 200: jsonResponse('Revoked', revokedCount), ...errors(...AUTHENTICATED, 403) },
    }),
    defineOperation({
      operationId: 'getPersonalAccessToken',
      method: 'get',
      path: '/personal-access-tokens/{id}',
      tag,
      summary: "One of the caller's live tokens",
      description: "Revoked, expired and other users' tokens are a 404.",
      access: 'token',
      requires: 'user',
      params: tokenId,
      responses: { 200: jsonResponse('OK', personalAccessToken), ...errors(...AUTHENTICATED, 403, 404) },
    }),
    defineOperation({
      operationId: 'revokePersonalAccessToken',
      method: 'delete',
      path: '/personal-access-tokens/{id}',
      tag,
      summary: 'Revoke a token (owner or SysAdmin)',
      description: "Another user's token is a 404 unless the caller is a SysAdmin. Already revoked: 404.",
      access: 'token',
      requires: 'user',
      params: tokenId,
      responses: { 204: { description: 'Revoked' }, ...errors(...AUTHENTICATED, 403, 404) },
    }),
    defineOperation({
      operationId: 'listUserPersonalAccessTokens',
      method: 'get',
      path: '/users/{id}/personal-access-tokens',
      tag,
      summary: "A user's live tokens (SysAdmin)",
      description: 'Oldest first.',
      access: 'token',
      requires: 'sysadmin',
      params: userId,
      query: z.object({ ...pageQuery(isTimeIdKey), ...clientMarkerFilters }),
      responses: { 200: jsonResponse('OK', personalAccessTokenList), ...errors(...AUTHENTICATED, 403, 404, 422) },
    }),
    defineOperation({
      operationId: 'revokeAllUserPersonalAccessTokens',
      method: 'delete',
      path: '/users/{id}/personal-access-tokens',
      tag,
      summary: "Revoke all of a user's tokens (SysAdmin)",
      description: 'Every token of that user fails from the next request on.',
      access: 'token',
      requires: 'sysadmin',
      params: userId,
      responses: { 200: jsonResponse('Revoked', revokedCount), ...errors(...AUTHENTICATED, 403, 404) },
    }),
  ] as const;
}
