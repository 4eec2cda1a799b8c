// HTTP for service accounts (SysAdmin only).
import type { Response } from 'express';
import type { ServiceContext } from '../context';
import type { CreatedServiceAccount } from '../contract/service-accounts';
import { actorOf, requireSysAdmin } from '../http/authenticate';
import { bodyOf } from '../http/body';
import type { HandlersFor } from '../http/operations';
import { parseIdempotencyKey, runIdempotent } from '../idempotency/service';
import { deleteServiceAccount, getServiceAccount, insertServiceAccountWithToken, listServiceAccounts } from '../service-accounts/service';

function sendCreated(res: Response, body: CreatedServiceAccount, replayed: boolean): void {
  res.status(201);
  res.setHeader('Location', `/api/v1/service-accounts/${body.id}`);
  res.setHeader('Cache-Control', 'no-store');
  if (replayed) res.setHeader('Idempotent-Replayed', 'true');
  res.json(body);
}

type ServiceAccountOperation = 'createServiceAccount' | 'listServiceAccounts' | 'getServiceAccount' | 'deleteServiceAccount';

export function serviceAccountHandlers(ctx: ServiceContext): HandlersFor<ServiceAccountOperation> {
  return {
    async createServiceAccount({ body }, req, res) {
      const user = requireSysAdmin(res);
      const key = parseIdempotencyKey(req.headers['idempotency-key']);
      const actor = actorOf(req, res);
      const create = (trx: Parameters<typeof insertServiceAccountWithToken>[1]) =>
        insertServiceAccountWithToken(ctx, trx, actor, { name: body.name, expirationDays: body.expiration_days ?? null });
      if (key === undefined) return sendCreated(res, await ctx.db.transaction(create), false);
      const result = await runIdempotent(ctx, { scope: `service_account:${user.id}`, key, body: bodyOf(req) }, create);
      sendCreated(res, result.body, result.replayed);
    },

    async listServiceAccounts({ query }, _req, res) {
      const page = await listServiceAccounts(ctx, { pageSize: query.page_size, after: query.page_token });
      res.json({ service_accounts: page.items, next_page_token: page.nextPageToken });
    },

    async getServiceAccount({ params }, _req, res) {
      res.json(await getServiceAccount(ctx, params.id));
    },

    async deleteServiceAccount({ params }, req, res) {
      await deleteServiceAccount(ctx, actorOf(req, res), params.id);
      res.status(204).end();
    },
  };
}
