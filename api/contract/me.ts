// The caller (/me) and the collector handshake, which service-account tokens use.
import { z } from 'zod';
import { AUTHENTICATED, errors, jsonResponse, defineOperation } from './operation';
import { timestamp, uuid } from './primitives';
import { teamMembership } from './users';

export const serviceAccountIdentity = z.object({ id: uuid, name: z.string() });

export const authenticatedBy = z.object({
  type: z.enum(['personal_access_token', 'service_account', 'session']),
  token_id: uuid.nullable().meta({ description: 'The token used; for a session, the session id.' }),
  expires_at: timestamp.nullable(),
});

export const me = z.object({
  id: uuid,
  email: z.email().nullable().meta({ description: 'Null for a service account.' }),
  name: z.string(),
  teams: z.array(teamMembership),
  service_account: serviceAccountIdentity
    .optional()
    .meta({ description: "Only for service-account tokens (then email is null, and teams are the account's teams)." }),
  authenticated_by: authenticatedBy,
});
export type MeView = z.infer<typeof me>;

export const collectorHandshake = z.object({ service_account: serviceAccountIdentity });

export function meOperations() {
  return [
    defineOperation({
      operationId: 'getMe',
      method: 'get',
      path: '/me',
      tag: 'Me',
      summary: 'The caller',
      description: 'Works with every credential kind: personal access token, service-account token, session.',
      access: 'token',
      responses: { 200: jsonResponse('OK', me), ...errors(...AUTHENTICATED) },
    }),
    defineOperation({
      operationId: 'collectorHandshake',
      method: 'post',
      path: '/collector/handshake',
      tag: 'Collector',
      summary: 'Collector handshake: service-account tokens only',
      description: 'Any JSON body (or none) is accepted. A personal access token gets 403 telling the caller to use a service account.',
      access: 'token',
      body: z.unknown().meta({ description: 'Ignored.' }),
      responses: { 200: jsonResponse('OK', collectorHandshake), ...errors(...AUTHENTICATED, 400, 403, 413, 415) },
    }),
  ] as const;
}
