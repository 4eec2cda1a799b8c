// Users: the people who own tokens and belong to teams.
import { z } from 'zod';
import { AUTHENTICATED, LOCATION, WITH_BODY, errors, jsonResponse, defineOperation } from './operation';
import { isTimeIdKey, listOf, pageQuery } from './pagination';
import { emailSchema, nameSchema, roleSchema, timestamp, uuid } from './primitives';

const object = { error: 'must be a JSON object' };
const active = z.boolean({ error: 'must be true or false' });

export const createUserBody = z.strictObject(
  { email: emailSchema, name: nameSchema(), active: active.optional().meta({ default: true }) },
  object,
);

export const updateUserBody = z
  .strictObject({ email: emailSchema.optional(), name: nameSchema().optional(), active: active.optional() }, object)
  .refine((input) => input.email !== undefined || input.name !== undefined || input.active !== undefined, {
    error: 'must change at least one of email, name, active',
    // Only a body that is otherwise valid is checked for being empty.
    when: (payload) => payload.issues.length === 0,
  })
  .meta({ minProperties: 1 });

export const teamMembership = z.object({ id: uuid, name: z.string(), role: roleSchema });

export const user = z.object({
  id: uuid,
  email: z.email().meta({ description: 'Stored lower-cased; unique case-insensitively.' }),
  name: z.string(),
  active: z.boolean(),
  teams: z.array(teamMembership),
  created_at: timestamp,
  updated_at: timestamp,
});
export type UserView = z.infer<typeof user>;

const userId = { id: { description: 'User id', what: 'user' } };

export const userListQuery = z.object({
  ...pageQuery(isTimeIdKey),
  email: emailSchema.optional().meta({ description: 'Only the user with this email (compared without regard to case): zero or one user.' }),
});

export function userOperations() {
  const tag = 'Users';
  return [
    defineOperation({
      operationId: 'createUser',
      method: 'post',
      path: '/users',
      tag,
      summary: 'Create a user (SysAdmin)',
      description: 'Emails are unique without regard to case (409 otherwise).',
      access: 'token',
      requires: 'sysadmin',
      body: createUserBody,
      responses: { 201: jsonResponse('Created', user, { Location: LOCATION }), ...errors(...AUTHENTICATED, ...WITH_BODY, 403, 409) },
    }),
    defineOperation({
      operationId: 'listUsers',
      method: 'get',
      path: '/users',
      tag,
      summary: 'Users (any team role)',
      description: 'Oldest first. `email` filters by email.',
      access: 'token',
      requires: 'directory-reader',
      query: userListQuery,
      responses: { 200: jsonResponse('OK', listOf('users', user)), ...errors(...AUTHENTICATED, 403, 422) },
    }),
    defineOperation({
      operationId: 'getUser',
      method: 'get',
      path: '/users/{id}',
      tag,
      summary: 'A user',
      description:
        'Every user may read themselves; other users need a team role and are a 404 without one. A service account needs a team role (403 without one).',
      access: 'token',
      params: userId,
      responses: { 200: jsonResponse('OK', user), ...errors(...AUTHENTICATED, 403, 404) },
    }),
    defineOperation({
      operationId: 'updateUser',
      method: 'patch',
      path: '/users/{id}',
      tag,
      summary: 'Update a user (SysAdmin); {"active": false} deactivates',
      description:
        "Deactivation makes all the user's tokens fail at once; reactivation makes their unexpired, unrevoked tokens work again. " +
        "A SysAdmin cannot deactivate themselves (409). Deactivation ends the user's web sessions at once; reactivation does not bring them back.",
      access: 'token',
      requires: 'sysadmin',
      params: userId,
      body: updateUserBody,
      responses: { 200: jsonResponse('OK', user), ...errors(...AUTHENTICATED, ...WITH_BODY, 403, 404, 409) },
    }),
  ] as const;
}
