// HTTP for personal access tokens (the caller's own, and the SysAdmin per-user views).
import type { Response } from 'express';
import type { ServiceContext } from '../context';
import type { CreatedPersonalAccessToken } from '../contract/tokens';
import { isSysAdmin } from '../auth/principal';
import { NotFoundError } from '../errors';
import { actorOf, principalOf, requireSysAdmin, requireUser } from '../http/authenticate';
import { bodyOf } from '../http/body';
import { sendJson } from '../http/send-json';
import type { HandlersFor } from '../http/operations';
import { parseIdempotencyKey } from '../idempotency/service';
import { findUserById } from '../users/repository';
import type { TokenFilter } from '../tokens/repository';
import { createPersonalToken, getPersonalToken, listPersonalTokens, revokeAllPersonalTokens, revokePersonalToken } from '../tokens/service';

type TokenOperation =
  | 'createPersonalAccessToken'
  | 'listPersonalAccessTokens'
  | 'revokeAllPersonalAccessTokens'
  | 'getPersonalAccessToken'
  | 'revokePersonalAccessToken'
  | 'listUserPersonalAccessTokens'
  | 'revokeAllUserPersonalAccessTokens';

/** The listing's marker filters (created_via, client_reference) as the repository takes them. */
function markerFilter(query: { created_via?: string | undefined; client_reference?: string | undefined }): TokenFilter {
  const filter: TokenFilter = {};
  if (query.created_via !== undefined) filter.createdVia = query.created_via;
  if (query.client_reference !== undefined) filter.clientReference = query.client_reference;
  return filter;
}

function sendCreated(res: Response, body: CreatedPersonalAccessToken, replayed: boolean): void {
  res.status(201);
  res.setHeader('Location', `/api/v1/personal-access-tokens/${body.id}`);
  // The body carries a secret: no cache may keep it.
  res.setHeader('Cache-Control', 'no-store');
  if (replayed) res.setHeader('Idempotent-Replayed', 'true');
  sendJson(res, body);
}

export function personalTokenHandlers(ctx: ServiceContext): HandlersFor<TokenOperation> {
  const existingUser = async (id: string): Promise<string> => {
    if (!(await findUserById(ctx.db, id))) throw new NotFoundError('user');
    return id;
  };
  return {
    async createPersonalAccessToken({ body }, req, res) {
      const user = requireUser(res);
      const key = parseIdempotencyKey(req.headers['idempotency-key']);
      const input = {
        name: body.name,
        expirationDays: body.expiration_days,
        createdVia: body.created_via,
        clientReference: body.client_reference,
      };
      const idempotency = key === undefined ? undefined : { scope: `personal_access_token:${user.id}`, key, body: bodyOf(req) };
      const result = await createPersonalToken(ctx, actorOf(req, res), user.id, input, idempotency);
      sendCreated(res, result.body, result.replayed);
    },

    async listPersonalAccessTokens({ query }, _req, res) {
      const user = requireUser(res);
      const page = await listPersonalTokens(ctx, user.id, { pageSize: query.page_size, after: query.page_token }, markerFilter(query));
      res.json({ personal_access_tokens: page.items, next_page_token: page.nextPageToken });
    },

    async getPersonalAccessToken({ params }, _req, res) {
      const user = requireUser(res);
      res.json(await getPersonalToken(ctx, user.id, params.id));
    },

    async revokePersonalAccessToken({ params }, req, res) {
      const user = requireUser(res);
      await revokePersonalToken(ctx, actorOf(req, res), params.id, { ownerId: user.id, mayRevokeOthers: isSysAdmin(principalOf(res)) });
      res.status(204).end();
    },

    async revokeAllPersonalAccessTokens(_input, req, res) {
      const user = requireUser(res);
      res.json({ revoked_count: await revokeAllPersonalTokens(ctx, actorOf(req, res), user.id) });
    },

    async listUserPersonalAccessTokens({ params, query }, _req, res) {
      requireSysAdmin(res);
      const page = await listPersonalTokens(
        ctx,
        await existingUser(params.id),
        { pageSize: query.page_size, after: query.page_token },
        markerFilter(query),
      );
      res.json({ personal_access_tokens: page.items, next_page_token: page.nextPageToken });
    },

    async revokeAllUserPersonalAccessTokens({ params }, req, res) {
      requireSysAdmin(res);
      res.json({ revoked_count: await revokeAllPersonalTokens(ctx, actorOf(req, res), await existingUser(params.id)) });
    },
  };
}
