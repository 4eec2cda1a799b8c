// HTTP for teams and memberships.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { ServiceContext } from '../context';
import { actorOf, requireDirectoryRead, requireSysAdmin } from '../http/authenticate';
import { bodyOf } from '../http/body';
import { isTimeIdKey, parsePageRequest } from '../http/pagination';
import { notFound, validationFailed } from '../http/problem';
import { isUuid, nameSchema, parseOrProblem, roleSchema } from '../http/validation';
import { addMember, createTeam, deleteTeam, getTeam, listTeams, removeMember, updateTeam } from './service';

const object = { error: 'must be a JSON object' };
export const createTeamSchema = z.strictObject({ name: nameSchema(), role: roleSchema }, object);
export const updateTeamSchema = z.strictObject({ name: nameSchema().optional(), role: roleSchema.optional() }, object);

export function teamRoutes(ctx: ServiceContext): Router {
  const router = Router();

  router.post('/teams', async (req: Request, res: Response) => {
    requireSysAdmin(res);
    const input = parseOrProblem(createTeamSchema, bodyOf(req));
    const team = await createTeam(ctx, actorOf(req, res), input);
    res.status(201).setHeader('Location', `/api/v1/teams/${team.id}`);
    res.json(team);
  });

  router.get('/teams', async (req: Request, res: Response) => {
    requireDirectoryRead(res);
    const page = await listTeams(ctx, parsePageRequest(req.query, isTimeIdKey));
    res.json({ teams: page.items, next_page_token: page.nextPageToken });
  });

  router.get('/teams/:id', async (req: Request, res: Response) => {
    requireDirectoryRead(res);
    const id = req.params['id'];
    if (!isUuid(id)) throw notFound('team');
    res.json(await getTeam(ctx, id));
  });

  router.patch('/teams/:id', async (req: Request, res: Response) => {
    requireSysAdmin(res);
    const id = req.params['id'];
    if (!isUuid(id)) throw notFound('team');
    const input = parseOrProblem(updateTeamSchema, bodyOf(req));
    if (input.name === undefined && input.role === undefined) {
      throw validationFailed([{ field: 'body', message: 'must change at least one of name, role' }]);
    }
    res.json(await updateTeam(ctx, actorOf(req, res), id, input));
  });

  router.delete('/teams/:id', async (req: Request, res: Response) => {
    requireSysAdmin(res);
    const id = req.params['id'];
    if (!isUuid(id)) throw notFound('team');
    await deleteTeam(ctx, actorOf(req, res), id);
    res.status(204).end();
  });

  router.put('/teams/:id/members/:userId', async (req: Request, res: Response) => {
    requireSysAdmin(res);
    const id = req.params['id'];
    const userId = req.params['userId'];
    if (!isUuid(id)) throw notFound('team');
    if (!isUuid(userId)) throw notFound('user');
    await addMember(ctx, actorOf(req, res), id, userId);
    res.status(204).end();
  });

  router.delete('/teams/:id/members/:userId', async (req: Request, res: Response) => {
    requireSysAdmin(res);
    const id = req.params['id'];
    const userId = req.params['userId'];
    if (!isUuid(id)) throw notFound('team');
    if (!isUuid(userId)) throw notFound('team member');
    await removeMember(ctx, actorOf(req, res), id, userId);
    res.status(204).end();
  });

  return router;
}
