// Teams: a team's role sets its members' permissions.
import { z } from 'zod';
import { AUTHENTICATED, LOCATION, WITH_BODY, errors, jsonResponse, defineOperation } from './operation';
import { isTimeIdKey, listOf, pageQuery } from './pagination';
import { nameSchema, roleSchema, timestamp, uuid } from './primitives';

const object = { error: 'must be a JSON object' };

export const createTeamBody = z.strictObject({ name: nameSchema(), role: roleSchema }, object);
export const updateTeamBody = z
  .strictObject({ name: nameSchema().optional(), role: roleSchema.optional() }, object)
  .refine((input) => input.name !== undefined || input.role !== undefined, {
    error: 'must change at least one of name, role',
    when: (payload) => payload.issues.length === 0,
  })
  .meta({ minProperties: 1 });

export const team = z.object({
  id: uuid,
  name: z.string(),
  role: roleSchema,
  member_count: z.int().min(0).meta({ description: 'Users in the team.' }),
  service_account_count: z.int().min(0).meta({ description: 'Service accounts in the team (not deleted).' }),
  created_at: timestamp,
  updated_at: timestamp,
});
export type TeamView = z.infer<typeof team>;

export const teamMember = z.object({ id: uuid, email: z.string(), name: z.string(), active: z.boolean() });

export const teamServiceAccount = z.object({ id: uuid, name: z.string() });

export const teamDetail = team.extend({
  members: z.array(teamMember).meta({ description: 'Users, by email.' }),
  service_accounts: z.array(teamServiceAccount).meta({ description: 'Service accounts (not deleted), by name.' }),
});
export type TeamDetailView = z.infer<typeof teamDetail>;

const teamId = { id: { description: 'Team id', what: 'team' } };

export const teamListQuery = z.object({
  ...pageQuery(isTimeIdKey),
  name: nameSchema()
    .optional()
    .meta({ description: 'Only the team with this name (compared without regard to case, after trimming): zero or one team.' }),
});

export function teamOperations() {
  const tag = 'Teams';
  return [
    defineOperation({
      operationId: 'createTeam',
      method: 'post',
      path: '/teams',
      tag,
      summary: 'Create a team (SysAdmin)',
      description: 'Team names are unique without regard to case (409 otherwise).',
      access: 'token',
      requires: 'sysadmin',
      body: createTeamBody,
      responses: { 201: jsonResponse('Created', teamDetail, { Location: LOCATION }), ...errors(...AUTHENTICATED, ...WITH_BODY, 403, 409) },
    }),
    defineOperation({
      operationId: 'listTeams',
      method: 'get',
      path: '/teams',
      tag,
      summary: 'Teams (any team role)',
      description: 'Oldest first. `name` filters by name.',
      access: 'token',
      requires: 'directory-reader',
      query: teamListQuery,
      responses: { 200: jsonResponse('OK', listOf('teams', team)), ...errors(...AUTHENTICATED, 403, 422) },
    }),
    defineOperation({
      operationId: 'getTeam',
      method: 'get',
      path: '/teams/{id}',
      tag,
      summary: 'A team with its members (any team role)',
      description: 'Members are listed by email, service accounts by name.',
      access: 'token',
      requires: 'directory-reader',
      params: teamId,
      responses: { 200: jsonResponse('OK', teamDetail), ...errors(...AUTHENTICATED, 403, 404) },
    }),
    defineOperation({
      operationId: 'updateTeam',
      method: 'patch',
      path: '/teams/{id}',
      tag,
      summary: 'Rename a team or change its role (SysAdmin)',
      description:
        "A role change applies to the members' existing tokens at once." +
        ' The last active SysAdmin is kept: a change that would leave no active user with the SysAdmin role through any team is refused with 409 (type urn:tessera:problem:last-sysadmin); service accounts do not count.',
      access: 'token',
      requires: 'sysadmin',
      params: teamId,
      body: updateTeamBody,
      responses: { 200: jsonResponse('OK', teamDetail), ...errors(...AUTHENTICATED, ...WITH_BODY, 403, 404, 409) },
    }),
    defineOperation({
      operationId: 'deleteTeam',
      method: 'delete',
      path: '/teams/{id}',
      tag,
      summary: 'Delete a team (SysAdmin)',
      description:
        "Its members lose the team's role at once." +
        ' The last active SysAdmin is kept: a change that would leave no active user with the SysAdmin role through any team is refused with 409 (type urn:tessera:problem:last-sysadmin); service accounts do not count.',
      access: 'token',
      requires: 'sysadmin',
      params: teamId,
      responses: { 204: { description: 'Deleted' }, ...errors(...AUTHENTICATED, 403, 404, 409) },
    }),
    defineOperation({
      operationId: 'addTeamMember',
      method: 'put',
      path: '/teams/{id}/members/{user_id}',
      tag,
      summary: 'Add a member (SysAdmin); idempotent',
      description: 'Adding a member twice is not an error.',
      access: 'token',
      requires: 'sysadmin',
      params: { ...teamId, user_id: { description: 'User id', what: 'user' } },
      responses: { 204: { description: 'Member' }, ...errors(...AUTHENTICATED, 403, 404) },
    }),
    defineOperation({
      operationId: 'removeTeamMember',
      method: 'delete',
      path: '/teams/{id}/members/{user_id}',
      tag,
      summary: 'Remove a member (SysAdmin)',
      description:
        'A user who is not a member is a 404.' +
        ' The last active SysAdmin is kept: a change that would leave no active user with the SysAdmin role through any team is refused with 409 (type urn:tessera:problem:last-sysadmin); service accounts do not count.',
      access: 'token',
      requires: 'sysadmin',
      params: { ...teamId, user_id: { description: 'User id', what: 'team member' } },
      responses: { 204: { description: 'Removed' }, ...errors(...AUTHENTICATED, 403, 404, 409) },
    }),
    defineOperation({
      operationId: 'addTeamServiceAccount',
      method: 'put',
      path: '/teams/{id}/service-accounts/{service_account_id}',
      tag,
      summary: 'Add a service account to a team (SysAdmin); idempotent',
      description: "Adding it twice is not an error. Its token carries the team's role from the next request on.",
      access: 'token',
      requires: 'sysadmin',
      params: { ...teamId, service_account_id: { description: 'Service account id', what: 'service account' } },
      responses: { 204: { description: 'Member' }, ...errors(...AUTHENTICATED, 403, 404) },
    }),
    defineOperation({
      operationId: 'removeTeamServiceAccount',
      method: 'delete',
      path: '/teams/{id}/service-accounts/{service_account_id}',
      tag,
      summary: 'Remove a service account from a team (SysAdmin)',
      description:
        "A service account that is not a member is a 404. Its token loses the team's role from the next request on. " +
        'Service accounts do not count towards the last active SysAdmin, so this is never refused for that reason.',
      access: 'token',
      requires: 'sysadmin',
      params: { ...teamId, service_account_id: { description: 'Service account id', what: 'team service account' } },
      responses: { 204: { description: 'Removed' }, ...errors(...AUTHENTICATED, 403, 404) },
    }),
  ] as const;
}
