// Resource `tessera_team`: a team and its role. Renames and role changes are made in place; a
// team deleted outside Terraform is dropped from state with a warning, so the plan creates it
// again.
import { DiagnosticError, error, path } from '../../protocol/diagnostics';
import { defineSchema } from '../../protocol/schema/definition';
import { apiDiagnostics } from '../../tessera/api-diagnostics';
import type { UpdateTeamRequest } from '../../tessera/api-types';
import type { TesseraClient } from '../../tessera/client';
import { TesseraApiError } from '../../tessera/errors';
import { requireClient, tessera } from '../../tessera/provider-context';
import { checkDisplayName, checkRole, isUuid, toRole } from '../shared/directory-rules';

export const TYPE_NAME = 'tessera_team';

export const teamSchema = defineSchema({
  description:
    "A Tessera team. The team's role (`SysAdmin`, `Member` or `ReadOnly`) is what its members — users and service accounts, added with `tessera_team_membership` — may do on the API. Renaming the team or changing its role updates it in place, and a role change applies to its members' existing tokens at once. Destroying the resource deletes the team: its members lose its role at once. Tessera refuses a change or a delete that would leave no active user with the SysAdmin role (service accounts do not count), and the apply then fails with the API's explanation.",
  attributes: {
    name: {
      type: 'string',
      required: true,
      description:
        'The team name, 1–100 characters without control characters or surrounding white space; unique in Tessera without regard to case. Changing it renames the team in place.',
    },
    role: {
      type: 'string',
      required: true,
      description:
        "The role every member of the team has: `SysAdmin` (manage teams, users and service accounts), `Member` or `ReadOnly`. Changing it updates the team in place and takes effect on the members' next request.",
    },
    id: { type: 'string', computed: true, description: "The team's API id. Import an existing team by this id." },
    created_at: { type: 'string', computed: true, description: 'When the team was created (RFC 3339, UTC).' },
  },
});

export const teamResource = tessera.resource({
  typeName: TYPE_NAME,
  schema: teamSchema,

  validate({ config, diagnostics }) {
    checkDisplayName(config.name, 'name', 'team', diagnostics);
    checkRole(config.role, diagnostics);
  },

  async create({ config, provider, signal, log }) {
    const client = requireClient(provider, { signal, log });
    try {
      const team = await client.createTeam({ name: config.name, role: toRole(config.role) });
      log.info('created team', { id: team.id });
      return { id: team.id, name: team.name, role: team.role, created_at: team.created_at };
    } catch (failure) {
      throw new DiagnosticError(await createFailure(client, failure, config.name));
    }
  },

  async read({ state, provider, signal, log, diagnostics }) {
    const id = state.id;
    if (id === null) return null;
    const client = requireClient(provider, { signal, log });
    let team;
    try {
      team = await client.getTeam(id);
    } catch (failure) {
      throw new DiagnosticError(apiDiagnostics(failure, { summary: `Could not read team ${id}` }));
    }
    if (team === null) {
      // After an import (name still null) the CLI itself says the object does not exist.
      if (state.name !== null) {
        diagnostics.warning(
          'Team no longer exists',
          `The team "${state.name}" (id ${id}) no longer exists in Tessera: it was deleted outside Terraform. ` +
            'It was removed from the state; the plan creates a new team with a new id, and memberships of the old team are gone with it.',
        );
      }
      return null;
    }
    return { id: team.id, name: team.name, role: team.role, created_at: team.created_at };
  },

  async update({ config, prior, provider, signal, log }) {
    const id = prior.id;
    if (id === null) throw new DiagnosticError(error('Cannot update the team', 'The state holds no team id; refresh, or import the team.'));
    const changes: UpdateTeamRequest = {};
    if (config.name !== prior.name) changes.name = config.name;
    if (config.role !== prior.role) changes.role = toRole(config.role);
    if (changes.name === undefined && changes.role === undefined) return {};
    const client = requireClient(provider, { signal, log });
    try {
      const team = await client.updateTeam(id, changes);
      log.info('updated team', { id, renamed: changes.name !== undefined, role_changed: changes.role !== undefined });
      return { id: team.id, name: team.name, role: team.role, created_at: team.created_at };
    } catch (failure) {
      if (failure instanceof TesseraApiError && failure.status === 404) {
        throw new DiagnosticError(
          error(
            `Could not update team ${id}`,
            `The team "${prior.name ?? ''}" (id ${id}) no longer exists in Tessera. Run terraform plan again: the team is dropped from the state and created anew.`,
          ),
        );
      }
      if (failure instanceof TesseraApiError && failure.status === 409) {
        // A name taken by another team, or a role change that would leave no active SysAdmin.
        const at = failure.problemType.endsWith(':last-sysadmin') ? 'role' : changes.name !== undefined ? 'name' : 'role';
        throw new DiagnosticError(error(`Could not update team ${id}`, `The Tessera API answered 409: ${failure.detail}`, path(at)));
      }
      throw new DiagnosticError(apiDiagnostics(failure, { summary: `Could not update team ${id}`, attributes: ['name', 'role'] }));
    }
  },

  async delete({ prior, provider, signal, log }) {
    const id = prior.id;
    if (id === null) return;
    const client = requireClient(provider, { signal, log });
    try {
      if (!(await client.deleteTeam(id))) log.info('team was already deleted', { id });
    } catch (failure) {
      throw new DiagnosticError(apiDiagnostics(failure, { summary: `Could not delete team "${prior.name ?? ''}" (id ${id})` }));
    }
  },

  import({ id }) {
    const trimmed = id.trim();
    if (!isUuid(trimmed)) {
      throw new DiagnosticError(
        error(
          'Invalid import id',
          `Import a team by its API id (a UUID, as in the id attribute, GET /api/v1/teams or the tessera_team data source), not "${id}".`,
        ),
      );
    }
    return { id: trimmed };
  },
});

/**
 * Why a create failed. A name already taken (409) names the team that holds it, so the user can
 * import it instead; that is also what a create looks like whose first answer was lost and whose
 * retry found the team it had made.
 */
async function createFailure(client: TesseraClient, failure: unknown, name: string) {
  if (failure instanceof TesseraApiError && failure.status === 409) {
    let existing;
    try {
      [existing] = await client.findTeamsByName(name);
    } catch {
      existing = undefined;
    }
    return [
      error(
        'Team name already taken',
        `${failure.detail || `A team named ${name} already exists.`}${existing ? ` Its id is ${existing.id}.` : ''} ` +
          'Team names are unique without regard to case. Choose another name, or bring the existing team under Terraform with an import block or terraform import (by its id).',
        path('name'),
      ),
    ];
  }
  return apiDiagnostics(failure, { summary: 'Could not create the team', attributes: ['name', 'role'] });
}
