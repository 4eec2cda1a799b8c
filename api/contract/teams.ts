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
  member_count: z.int().min(0),
  created_at: timestamp,
  updated_at: timestamp,
});
export type TeamView = z.infer<typeof team>;

export const teamMember = z.object({ id: uuid, email: z.string(), name: z.string(), active: z.boolean() });

export const teamDetail = team.extend({ members: z.array(teamMember) });
export type TeamDetailView = z.infer<typeof teamDetail>;

const teamId = { id: { description: 'Team id', what: 'team' } };

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
      description: 'Oldest first.',
      access: 'token',
      requires: 'directory-reader',
      query: z.object(pageQuery(isTimeIdKey)),
      responses: { 200: jsonResponse('OK', listOf('teams', team)), ...errors(...AUTHENTICATED, 403, 422) },
    }),
    defineOperation({
      operationId: 'getTeam',
      method: 'get',
      path: '/teams/{id}',
      tag,
      summary: 'A team with its members (any team role)',
      description: 'Members are listed by email.',
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
        ' The last active SysAdmin is kept: a change that would leave no active user with the SysAdmin role through any team is refused with 409 (type urn:tessera:problem:last-sysadmin).',
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
        ' The last active SysAdmin is kept: a change that would leave no active user with the SysAdmin role through any team is refused with 409 (type urn:tessera:problem:last-sysadmin).',
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
        ' The last active SysAdmin is kept: a change that would leave no active user with the SysAdmin role through any team is refused with 409 (type urn:tessera:problem:last-sysadmin).',
      access: 'token',
      requires: 'sysadmin',
      params: { ...teamId, user_id: { description: 'User id', what: 'team member' } },
      responses: { 204: { description: 'Removed' }, ...errors(...AUTHENTICATED, 403, 404, 409) },
    }),
  ] as const;
}
