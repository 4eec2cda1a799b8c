// HTTP for users.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { ServiceContext } from '../context';
import { canReadDirectory } from '../auth/principal';
import { actorOf, principalOf, requireDirectoryRead, requireSysAdmin, requireUser } from '../http/authenticate';
import { bodyOf } from '../http/body';
import { isTimeIdKey, parsePageRequest } from '../http/pagination';
import { notFound, validationFailed } from '../http/problem';
import { emailSchema, isUuid, nameSchema, parseOrProblem } from '../http/validation';
import { createUser, getUser, listUsers, updateUser } from './service';

const object = { error: 'must be a JSON object' };
const activeSchema = z.boolean({ error: 'must be true or false' });

export const createUserSchema = z.strictObject({ email: emailSchema, name: nameSchema(), active: activeSchema.optional() }, object);
export const updateUserSchema = z.strictObject({ email: emailSchema.optional(), name: nameSchema().optional(), active: activeSchema.optional() }, object);

export function userRoutes(ctx: ServiceContext): Router {
  const router = Router();

  router.post('/users', async (req: Request, res: Response) => {
    requireSysAdmin(res);
    const input = parseOrProblem(createUserSchema, bodyOf(req));
    const user = await createUser(ctx, actorOf(req, res), input);
    res.status(201).setHeader('Location', `/api/v1/users/${user.id}`);
    res.json(user);
  });

  router.get('/users', async (req: Request, res: Response) => {
    requireDirectoryRead(res);
    const page = await listUsers(ctx, parsePageRequest(req.query, isTimeIdKey));
    res.json({ users: page.items, next_page_token: page.nextPageToken });
  });

  router.get('/users/:id', async (req: Request, res: Response) => {
    const caller = requireUser(res);
    const id = req.params['id'];
    // Everyone may read themselves; reading others needs a team role.
    // Everyone may read themselves; other users are invisible (404) without a team role.
    if (!isUuid(id) || (id !== caller.id && !canReadDirectory(principalOf(res)))) throw notFound('user');
    res.json(await getUser(ctx, id));
  });

  router.patch('/users/:id', async (req: Request, res: Response) => {
    requireSysAdmin(res);
    const id = req.params['id'];
    if (!isUuid(id)) throw notFound('user');
    const input = parseOrProblem(updateUserSchema, bodyOf(req));
    if (input.email === undefined && input.name === undefined && input.active === undefined) {
      throw validationFailed([{ field: 'body', message: 'must change at least one of email, name, active' }]);
    }
    res.json(await updateUser(ctx, actorOf(req, res), id, input));
  });

  return router;
}
