// HTTP for the audit trail (SysAdmin only), newest first.
import type { ServiceContext } from '../context';
import type { AuditEventView } from '../contract/audit';
import type { HandlersFor } from '../http/operations';
import { toPage } from '../pagination';
import { listAuditEvents, type AuditEventRow } from '../audit/repository';

function toView(row: AuditEventRow): AuditEventView {
  return { ...row, id: String(row.id), occurred_at: row.occurred_at.toISOString() };
}

export function auditHandlers(ctx: ServiceContext): HandlersFor<'listAuditEvents'> {
  return {
    async listAuditEvents({ query }, _req, res) {
      const page = { pageSize: query.page_size, after: query.page_token };
      const rows = await listAuditEvents(ctx.db, page, {
        action: query.action,
        actorUserId: query.actor_user_id,
        actorServiceAccountId: query.actor_service_account_id,
        tokenId: query.token_id,
      });
      const result = toPage(rows, page.pageSize, (r) => [String(r.id)]);
      res.json({ audit_events: result.items.map(toView), next_page_token: result.nextPageToken });
    },
  };
}
