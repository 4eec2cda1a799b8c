// HTTP for personal access tokens (the caller's own, and the SysAdmin per-user views).
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { ServiceContext } from '../context';
import { isSysAdmin } from '../auth/principal';
import { actorOf, principalOf, requireSysAdmin, requireUser } from '../http/authenticate';
import { bodyOf } from '../http/body';
import { isTimeIdKey, parsePageRequest } from '../http/pagination';
import { notFound } from '../http/problem';
import { integerInRange, isUuid, nameSchema, parseOrProblem } from '../http/validation';
import { parseIdempotencyKey, runIdempotent } from '../idempotency/service';
import { findUserById } from '../users/repository';
import { clientMarkerFields, parseTokenFilter } from './client-markers';
import { PAT_MIN_DAYS } from './policy';
import {
  getPersonalToken,
  insertPersonalToken,
  listPersonalTokens,
  revokeAllPersonalTokens,
  revokePersonalToken,
  type CreatedPersonalToken,
} from './service';

export function createPatSchema(maxDays: number) {
  return z.strictObject(
    { name: nameSchema(), expiration_days: integerInRange(PAT_MIN_DAYS, maxDays), ...clientMarkerFields },
    { error: 'must be a JSON object' },
  );
}

function sendCreated(res: Response, body: CreatedPersonalToken, replayed: boolean): void {
  res.status(201);
  res.setHeader('Location', `/api/v1/personal-access-tokens/${body.id}`);
  // The body carries a secret: no cache may keep it.
  res.setHeader('Cache-Control', 'no-store');
  if (replayed) res.setHeader('Idempotent-Replayed', 'true');
  res.json(body);
}

export function personalTokenRoutes(ctx: ServiceContext): Router {
  const router = Router();
  const schema = createPatSchema(ctx.patMaxDays);

  router.post('/personal-access-tokens', async (req: Request, res: Response) => {
    const user = requireUser(res);
    const key = parseIdempotencyKey(req.headers['idempotency-key']);
    const raw = bodyOf(req);
    const input = parseOrProblem(schema, raw);
    const actor = actorOf(req, res);
    const create = (trx: Parameters<typeof insertPersonalToken>[1]) =>
      insertPersonalToken(ctx, trx, actor, user.id, {
        name: input.name,
        expirationDays: input.expiration_days,
        createdVia: input.created_via,
        clientReference: input.client_reference,
      });
    if (key === undefined) return sendCreated(res, await ctx.db.transaction(create), false);
    const result = await runIdempotent(ctx, { scope: `personal_access_token:${user.id}`, key, body: raw }, create);
    sendCreated(res, result.body, result.replayed);
  });

  router.get('/personal-access-tokens', async (req: Request, res: Response) => {
    const user = requireUser(res);
    const filter = parseTokenFilter(req.query);
    const page = await listPersonalTokens(ctx, user.id, parsePageRequest(req.query, isTimeIdKey), filter);
    res.json({ personal_access_tokens: page.items, next_page_token: page.nextPageToken });
  });

  router.get('/personal-access-tokens/:id', async (req: Request, res: Response) => {
    const user = requireUser(res);
    const id = req.params['id'];
    if (!isUuid(id)) throw notFound('personal access token');
    res.json(await getPersonalToken(ctx, user.id, id));
  });

  router.delete('/personal-access-tokens/:id', async (req: Request, res: Response) => {
    const user = requireUser(res);
    const id = req.params['id'];
    if (!isUuid(id)) throw notFound('personal access token');
    await revokePersonalToken(ctx, actorOf(req, res), id, { ownerId: user.id, mayRevokeOthers: isSysAdmin(principalOf(res)) });
    res.status(204).end();
  });

  router.delete('/personal-access-tokens', async (req: Request, res: Response) => {
    const user = requireUser(res);
    res.json({ revoked_count: await revokeAllPersonalTokens(ctx, actorOf(req, res), user.id) });
  });

  router.get('/users/:id/personal-access-tokens', async (req: Request, res: Response) => {
    requireSysAdmin(res);
    const id = req.params['id'];
    if (!isUuid(id) || !(await findUserById(ctx.db, id))) throw notFound('user');
    const filter = parseTokenFilter(req.query);
    const page = await listPersonalTokens(ctx, id, parsePageRequest(req.query, isTimeIdKey), filter);
    res.json({ personal_access_tokens: page.items, next_page_token: page.nextPageToken });
  });

  router.delete('/users/:id/personal-access-tokens', async (req: Request, res: Response) => {
    requireSysAdmin(res);
    const id = req.params['id'];
    if (!isUuid(id) || !(await findUserById(ctx.db, id))) throw notFound('user');
    res.json({ revoked_count: await revokeAllPersonalTokens(ctx, actorOf(req, res), id) });
  });

  return router;
}
