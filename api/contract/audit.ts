// The audit trail (SysAdmin only), newest first.
import { z } from 'zod';
import { AUTHENTICATED, errors, jsonResponse, defineOperation } from './operation';
import { listOf, pageQuery } from './pagination';
import { timestamp, uuid, uuidPattern } from './primitives';

export const AUDIT_ACTIONS = [
  'personal_access_token.created',
  'personal_access_token.revoked',
  'personal_access_token.revoked_all',
  'service_account.created',
  'service_account.updated',
  'service_account.deleted',
  'user.created',
  'user.updated',
  'user.deactivated',
  'user.reactivated',
  'team.created',
  'team.role_changed',
  'team.renamed',
  'team.deleted',
  'team.member_added',
  'team.member_removed',
  'team.service_account_added',
  'team.service_account_removed',
  'authentication.failed',
  'collector.handshake',
  'session.sign_in',
  'session.sign_out',
] as const;

export const auditEvent = z.object({
  id: z.string().meta({ description: 'Monotonic; larger is newer.' }),
  occurred_at: timestamp,
  action: z.string().meta({ examples: [...AUDIT_ACTIONS] }),
  outcome: z.enum(['success', 'failure']),
  actor_user_id: uuid.nullable(),
  actor_service_account_id: uuid.nullable(),
  token_id: uuid.nullable().meta({ description: 'The token the actor used (for authentication.failed: the token presented, when known).' }),
  target_type: z.string().nullable(),
  target_id: z.string().nullable(),
  source_ip: z.string().nullable(),
  details: z
    .record(z.string(), z.unknown())
    .meta({ description: 'Action-specific; never contains secrets. authentication.failed has `reason`.' }),
});
export type AuditEventView = z.infer<typeof auditEvent>;

const uuidFilter = z.string().regex(uuidPattern, { error: 'must be a UUID' });

export const auditQuery = z.object({
  ...pageQuery((key) => key.length === 1 && /^\d{1,18}$/.test(key[0] as string)),
  action: z
    .string()
    .max(100, { error: 'must be at most 100 characters' })
    .optional()
    .meta({ description: 'Only events with this action.' }),
  actor_user_id: uuidFilter.optional().meta({ description: 'Only events by this user.' }),
  actor_service_account_id: uuidFilter.optional().meta({ description: 'Only events by this service account.' }),
  token_id: uuidFilter.optional().meta({ description: 'Only events made with (or about) this token.' }),
});

export function auditOperations() {
  return [
    defineOperation({
      operationId: 'listAuditEvents',
      method: 'get',
      path: '/audit-events',
      tag: 'Audit',
      summary: 'The audit trail, newest first (SysAdmin)',
      description: 'Filters combine with AND.',
      access: 'token',
      requires: 'sysadmin',
      query: auditQuery,
      responses: { 200: jsonResponse('OK', listOf('audit_events', auditEvent)), ...errors(...AUTHENTICATED, 403, 422) },
    }),
  ] as const;
}
