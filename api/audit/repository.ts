// SQL for the audit trail.
import type { Knex } from 'knex';
import type { Queryable } from '../db/connection';
import type { PageRequest } from '../pagination';

export interface AuditEventInput {
  occurredAt: Date;
  action: string;
  outcome: 'success' | 'failure';
  actorUserId?: string | null;
  actorServiceAccountId?: string | null;
  tokenId?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  sourceIp?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditEventRow {
  id: string;
  occurred_at: Date;
  action: string;
  outcome: 'success' | 'failure';
  actor_user_id: string | null;
  actor_service_account_id: string | null;
  token_id: string | null;
  target_type: string | null;
  target_id: string | null;
  source_ip: string | null;
  details: Record<string, unknown>;
}

/** An event as its table row (column name → value). */
export function auditEventRow(event: AuditEventInput): Record<string, Knex.Value> {
  return {
    occurred_at: event.occurredAt,
    action: event.action,
    outcome: event.outcome,
    actor_user_id: event.actorUserId ?? null,
    actor_service_account_id: event.actorServiceAccountId ?? null,
    token_id: event.tokenId ?? null,
    target_type: event.targetType ?? null,
    target_id: event.targetId ?? null,
    source_ip: event.sourceIp ?? null,
    details: JSON.stringify(event.details ?? {}),
  };
}

/** Each column's type, for statements that bind a row's values in a SELECT list (where PostgreSQL cannot infer them). */
export const AUDIT_EVENT_COLUMN_TYPES: Readonly<Record<string, string>> = {
  occurred_at: 'timestamptz',
  action: 'text',
  outcome: 'text',
  actor_user_id: 'uuid',
  actor_service_account_id: 'uuid',
  token_id: 'uuid',
  target_type: 'text',
  target_id: 'text',
  source_ip: 'text',
  details: 'jsonb',
};

export async function insertAuditEvents(db: Queryable, events: AuditEventInput[]): Promise<void> {
  if (events.length === 0) return;
  await db('audit_events').insert(events.map(auditEventRow));
}

export interface AuditFilter {
  action?: string;
  actorUserId?: string;
  actorServiceAccountId?: string;
  tokenId?: string;
}

/** Newest first; the page key is the event id. */
export async function listAuditEvents(db: Queryable, page: PageRequest, filter: AuditFilter): Promise<AuditEventRow[]> {
  const query = db<AuditEventRow>('audit_events')
    .select('*')
    .orderBy('id', 'desc')
    .limit(page.pageSize + 1);
  if (page.after) query.where('id', '<', page.after[0] as string);
  if (filter.action) query.where('action', filter.action);
  if (filter.actorUserId) query.where('actor_user_id', filter.actorUserId);
  if (filter.actorServiceAccountId) query.where('actor_service_account_id', filter.actorServiceAccountId);
  if (filter.tokenId) query.where('token_id', filter.tokenId);
  return query;
}
