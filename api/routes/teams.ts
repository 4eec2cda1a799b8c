// HTTP for teams and memberships.
import type { ServiceContext } from '../context';
import { actorOf } from '../http/authenticate';
import type { HandlersFor } from '../http/operations';
import {
  addMember,
  addServiceAccount,
  createTeam,
  deleteTeam,
  getTeam,
  listTeams,
  removeMember,
  removeServiceAccount,
  updateTeam,
} from '../teams/service';

type TeamOperation =
  | 'createTeam'
  | 'listTeams'
  | 'getTeam'
  | 'updateTeam'
  | 'deleteTeam'
  | 'addTeamMember'
  | 'removeTeamMember'
  | 'addTeamServiceAccount'
  | 'removeTeamServiceAccount';

export function teamHandlers(ctx: ServiceContext): HandlersFor<TeamOperation> {
  return {
    async createTeam({ body }, req, res) {
      const team = await createTeam(ctx, actorOf(req, res), body);
      res.status(201).setHeader('Location', `/api/v1/teams/${team.id}`);
      res.json(team);
    },

    async listTeams({ query }, _req, res) {
      const page = await listTeams(ctx, { pageSize: query.page_size, after: query.page_token }, { name: query.name });
      res.json({ teams: page.items, next_page_token: page.nextPageToken });
    },

    async getTeam({ params }, _req, res) {
      res.json(await getTeam(ctx, params.id));
    },

    async updateTeam({ params, body }, req, res) {
      res.json(await updateTeam(ctx, actorOf(req, res), params.id, body));
    },

    async deleteTeam({ params }, req, res) {
      await deleteTeam(ctx, actorOf(req, res), params.id);
      res.status(204).end();
    },

    async addTeamMember({ params }, req, res) {
      await addMember(ctx, actorOf(req, res), params.id, params.user_id);
      res.status(204).end();
    },

    async removeTeamMember({ params }, req, res) {
      await removeMember(ctx, actorOf(req, res), params.id, params.user_id);
      res.status(204).end();
    },

    async addTeamServiceAccount({ params }, req, res) {
      await addServiceAccount(ctx, actorOf(req, res), params.id, params.service_account_id);
      res.status(204).end();
    },

    async removeTeamServiceAccount({ params }, req, res) {
      await removeServiceAccount(ctx, actorOf(req, res), params.id, params.service_account_id);
      res.status(204).end();
    },
  };
}
