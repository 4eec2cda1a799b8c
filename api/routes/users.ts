// HTTP for users.
import type { ServiceContext } from '../context';
import { canReadDirectory } from '../auth/principal';
import { NotFoundError } from '../errors';
import { actorOf, principalOf, requireDirectoryRead } from '../http/authenticate';
import type { HandlersFor } from '../http/operations';
import { createUser, getUser, listUsers, updateUser } from '../users/service';

export function userHandlers(ctx: ServiceContext): HandlersFor<'createUser' | 'listUsers' | 'getUser' | 'updateUser'> {
  return {
    async createUser({ body }, req, res) {
      const user = await createUser(ctx, actorOf(req, res), body);
      res.status(201).setHeader('Location', `/api/v1/users/${user.id}`);
      res.json(user);
    },

    async listUsers({ query }, _req, res) {
      const page = await listUsers(ctx, { pageSize: query.page_size, after: query.page_token }, { email: query.email });
      res.json({ users: page.items, next_page_token: page.nextPageToken });
    },

    async getUser({ params }, _req, res) {
      const principal = principalOf(res);
      // Every user may read themselves; other users are invisible (404) without a team role. A
      // service account is nobody in this directory, so without a team role it is refused (403).
      if (principal.user === null) requireDirectoryRead(res);
      else if (params.id !== principal.user.id && !canReadDirectory(principal)) throw new NotFoundError('user');
      res.json(await getUser(ctx, params.id));
    },

    async updateUser({ params, body }, req, res) {
      res.json(await updateUser(ctx, actorOf(req, res), params.id, body));
    },
  };
}
