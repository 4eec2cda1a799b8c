// HTTP for service accounts (SysAdmin only: a user's or a service account's).
import type { Response } from 'express';
import type { ServiceContext } from '../context';
import type { CreatedServiceAccount } from '../contract/service-accounts';
import { actorOf, requireSysAdmin } from '../http/authenticate';
import { bodyOf } from '../http/body';
import type { HandlersFor } from '../http/operations';
import { parseIdempotencyKey, runIdempotent } from '../idempotency/service';
import {
  deleteServiceAccount,
  getServiceAccount,
  insertServiceAccountWithToken,
  listServiceAccounts,
  updateServiceAccount,
} from '../service-accounts/service';

function sendCreated(res: Response, body: CreatedServiceAccount, replayed: boolean): void {
  res.status(201);
  res.setHeader('Location', `/api/v1/service-accounts/${body.id}`);
  res.setHeader('Cache-Control', 'no-store');
  if (replayed) res.setHeader('Idempotent-Replayed', 'true');
  res.json(body);
}

type ServiceAccountOperation =
  'createServiceAccount' | 'listServiceAccounts' | 'getServiceAccount' | 'updateServiceAccount' | 'deleteServiceAccount';

export function serviceAccountHandlers(ctx: ServiceContext): HandlersFor<ServiceAccountOperation> {
  return {
    async createServiceAccount({ body }, req, res) {
      const principal = requireSysAdmin(res);
      const key = parseIdempotencyKey(req.headers['idempotency-key']);
      const actor = actorOf(req, res);
      const create = (trx: Parameters<typeof insertServiceAccountWithToken>[1]) =>
        insertServiceAccountWithToken(ctx, trx, actor, {
          name: body.name,
          expirationDays: body.expiration_days ?? null,
          teamIds: body.team_ids ?? [],
        });
      if (key === undefined) return sendCreated(res, await ctx.db.transaction(create), false);
      // Keys are scoped to the caller: a user's id as before, a service account's marked apart.
      const caller = principal.user ? principal.user.id : `sa:${principal.serviceAccount?.id ?? ''}`;
      const result = await runIdempotent(ctx, { scope: `service_account:${caller}`, key, body: bodyOf(req) }, create);
      sendCreated(res, result.body, result.replayed);
    },

    async listServiceAccounts({ query }, _req, res) {
      const page = await listServiceAccounts(ctx, { pageSize: query.page_size, after: query.page_token }, { name: query.name });
      res.json({ service_accounts: page.items, next_page_token: page.nextPageToken });
    },

    async getServiceAccount({ params }, _req, res) {
      res.json(await getServiceAccount(ctx, params.id));
    },

    async updateServiceAccount({ params, body }, req, res) {
      res.json(await updateServiceAccount(ctx, actorOf(req, res), params.id, { name: body.name, teamIds: body.team_ids }));
    },

    async deleteServiceAccount({ params }, req, res) {
      await deleteServiceAccount(ctx, actorOf(req, res), params.id);
      res.status(204).end();
    },
  };
}
