// One call per audited change, written in the same transaction as the change itself.
import type { Queryable } from '../db/connection';
import type { Actor } from '../context';
import { insertAuditEvents } from './repository';

export async function recordAudit(
  db: Queryable,
  actor: Actor,
  occurredAt: Date,
  action: string,
  target: { type: string; id: string } | null,
  details: Record<string, unknown> = {},
  outcome: 'success' | 'failure' = 'success',
): Promise<void> {
  await insertAuditEvents(db, [
    {
      occurredAt,
      action,
      outcome,
      actorUserId: actor.userId,
      actorServiceAccountId: actor.serviceAccountId,
      tokenId: actor.tokenId,
      targetType: target?.type ?? null,
      targetId: target?.id ?? null,
      sourceIp: actor.sourceIp,
      details,
    },
  ]);
}
