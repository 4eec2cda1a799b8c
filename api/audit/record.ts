// One call per audited change, written in the same transaction as the change itself.
import type { Queryable } from '../db/connection';
import { insertAuditEvents } from './repository';

/** Who did something, for the audit trail. */
export interface Actor {
  userId: string | null;
  serviceAccountId: string | null;
  tokenId: string | null;
  sourceIp: string | null;
}

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
