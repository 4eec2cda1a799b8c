// HTTP for the audit trail (SysAdmin only), newest first.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { ServiceContext } from '../context';
import { requireSysAdmin } from '../http/authenticate';
import { parsePageRequest, toPage } from '../http/pagination';
import { parseOrProblem, uuidPattern } from '../http/validation';
import { listAuditEvents, type AuditEventRow } from './repository';

const filterSchema = z.object({
  action: z.string().max(100, { error: 'must be at most 100 characters' }).optional(),
  actor_user_id: z.string().regex(uuidPattern, { error: 'must be a UUID' }).optional(),
  token_id: z.string().regex(uuidPattern, { error: 'must be a UUID' }).optional(),
});

/** A stored event as the API shows it: the row with its time as RFC 3339 text. */
export type AuditEventView = Omit<AuditEventRow, 'occurred_at'> & { occurred_at: string };

function toView(row: AuditEventRow): AuditEventView {
  return { ...row, id: String(row.id), occurred_at: row.occurred_at.toISOString() };
}

export function auditRoutes(ctx: ServiceContext): Router {
  const router = Router();
  router.get('/audit-events', async (req: Request, res: Response) => {
    requireSysAdmin(res);
    const page = parsePageRequest(req.query, (key) => key.length === 1 && /^\d{1,18}$/.test(key[0] as string));
    const filter = parseOrProblem(filterSchema, { action: req.query['action'], actor_user_id: req.query['actor_user_id'], token_id: req.query['token_id'] }, 'query');
    const rows = await listAuditEvents(ctx.db, page, { action: filter.action, actorUserId: filter.actor_user_id, tokenId: filter.token_id });
    const result = toPage(rows, page.pageSize, (r) => [String(r.id)]);
    res.json({ audit_events: result.items.map(toView), next_page_token: result.nextPageToken });
  });
  return router;
}
