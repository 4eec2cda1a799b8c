// HTTP for service accounts (SysAdmin only).
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { ServiceContext } from '../context';
import { actorOf, requireSysAdmin } from '../http/authenticate';
import { bodyOf } from '../http/body';
import { isTimeIdKey, parsePageRequest } from '../http/pagination';
import { notFound } from '../http/problem';
import { integerInRange, isUuid, nameSchema, parseOrProblem } from '../http/validation';
import { parseIdempotencyKey, runIdempotent } from '../idempotency/service';
import { SERVICE_ACCOUNT_MAX_DAYS } from '../tokens/policy';
import { deleteServiceAccount, getServiceAccount, insertServiceAccountWithToken, listServiceAccounts, type CreatedServiceAccount } from './service';

export const createServiceAccountSchema = z.strictObject(
  { name: nameSchema(), expiration_days: integerInRange(1, SERVICE_ACCOUNT_MAX_DAYS).nullable().optional() },
  { error: 'must be a JSON object' },
);

function sendCreated(res: Response, body: CreatedServiceAccount, replayed: boolean): void {
  res.status(201);
  res.setHeader('Location', `/api/v1/service-accounts/${body.id}`);
  res.setHeader('Cache-Control', 'no-store');
  if (replayed) res.setHeader('Idempotent-Replayed', 'true');
  res.json(body);
}

export function serviceAccountRoutes(ctx: ServiceContext): Router {
  const router = Router();

  router.post('/service-accounts', async (req: Request, res: Response) => {
    const user = requireSysAdmin(res);
    const key = parseIdempotencyKey(req.headers['idempotency-key']);
    const raw = bodyOf(req);
    const input = parseOrProblem(createServiceAccountSchema, raw);
    const actor = actorOf(req, res);
    const create = (trx: Parameters<typeof insertServiceAccountWithToken>[1]) =>
      insertServiceAccountWithToken(ctx, trx, actor, { name: input.name, expirationDays: input.expiration_days ?? null });
    if (key === undefined) return sendCreated(res, await ctx.db.transaction(create), false);
    const result = await runIdempotent(ctx, { scope: `service_account:${user.id}`, key, body: raw }, create);
    sendCreated(res, result.body, result.replayed);
  });

  router.get('/service-accounts', async (req: Request, res: Response) => {
    requireSysAdmin(res);
    const page = await listServiceAccounts(ctx, parsePageRequest(req.query, isTimeIdKey));
    res.json({ service_accounts: page.items, next_page_token: page.nextPageToken });
  });

  router.get('/service-accounts/:id', async (req: Request, res: Response) => {
    requireSysAdmin(res);
    const id = req.params['id'];
    if (!isUuid(id)) throw notFound('service account');
    res.json(await getServiceAccount(ctx, id));
  });

  router.delete('/service-accounts/:id', async (req: Request, res: Response) => {
    requireSysAdmin(res);
    const id = req.params['id'];
    if (!isUuid(id)) throw notFound('service account');
    await deleteServiceAccount(ctx, actorOf(req, res), id);
    res.status(204).end();
  });

  return router;
}
