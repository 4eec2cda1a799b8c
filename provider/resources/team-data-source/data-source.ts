// Data source `tessera_team`: one team, found by id or by name, with its members.
import { objectType } from '../../protocol/cty/types';
import { DiagnosticError, error, path } from '../../protocol/diagnostics';
import { defineSchema } from '../../protocol/schema/definition';
import { apiDiagnostics } from '../../tessera/api-diagnostics';
import type { TeamDetail } from '../../tessera/api-types';
import type { TesseraClient } from '../../tessera/client';
import { requireClient, tessera } from '../../tessera/provider-context';
import { checkOneLookupKey } from '../shared/lookup-keys';

export const TYPE_NAME = 'tessera_team';

export const teamDataSourceSchema = defineSchema({
  description:
    'One Tessera team, found by `id` or by `name` (exactly one of them), with its role, its users and its service accounts. Reading teams needs a team role (SysAdmin, Member or ReadOnly). The read fails when no team matches.',
  attributes: {
    id: {
      type: 'string',
      optional: true,
      computed: true,
      description: "The team's id. Set it to look the team up by id; otherwise it is the id of the team found by `name`.",
    },
    name: {
      type: 'string',
      optional: true,
      computed: true,
      description:
        'The team name. Set it to look the team up by name (compared without regard to case, as Tessera keeps team names unique); otherwise it is the name of the team found by `id`.',
    },
    role: { type: 'string', computed: true, description: "The team's role: `SysAdmin`, `Member` or `ReadOnly`." },
    created_at: { type: 'string', computed: true, description: 'When the team was created (RFC 3339, UTC).' },
    members: {
      type: ['list', objectType({ id: 'string', email: 'string', name: 'string', active: 'bool' })],
      computed: true,
      description: 'The users in the team, by email: objects with `id`, `email`, `name` and `active`.',
    },
    service_accounts: {
      type: ['list', objectType({ id: 'string', name: 'string' })],
      computed: true,
      description: 'The service accounts in the team (deleted ones are not listed), by name: objects with `id` and `name`.',
    },
  },
});

export const teamDataSource = tessera.dataSource({
  typeName: TYPE_NAME,
  schema: teamDataSourceSchema,

  validate({ config, diagnostics }) {
    checkOneLookupKey('team', { id: config.id, other: config.name, otherName: 'name' }, diagnostics);
  },

  async read({ config, provider, signal, log }) {
    const client = requireClient(provider, { signal, log });
    let team: TeamDetail;
    try {
      team = config.id !== null ? await byId(client, config.id) : await byName(client, config.name ?? '');
    } catch (failure) {
      if (failure instanceof DiagnosticError) throw failure;
      const key = config.id !== null ? `id ${config.id}` : `name "${config.name ?? ''}"`;
      throw new DiagnosticError(apiDiagnostics(failure, { summary: `Could not read the team with ${key}` }));
    }
    return {
      id: team.id,
      // The configured spelling stays: a data source must return the values it was given.
      name: config.name ?? team.name,
      role: team.role,
      created_at: team.created_at,
      members: team.members.map((m) => ({ id: m.id, email: m.email, name: m.name, active: m.active })),
      service_accounts: team.service_accounts.map((a) => ({ id: a.id, name: a.name })),
    };
  },
});

async function byId(client: TesseraClient, id: string): Promise<TeamDetail> {
  const team = await client.getTeam(id.trim());
  if (team === null) {
    throw new DiagnosticError(error('Team not found', `Tessera has no team with the id "${id}" (it may have been deleted).`, path('id')));
  }
  return team;
}

async function byName(client: TesseraClient, name: string): Promise<TeamDetail> {
  const found = await client.findTeamsByName(name);
  if (found.length === 0) {
    throw new DiagnosticError(
      error('Team not found', `Tessera has no team named "${name}" (names are compared without regard to case).`, path('name')),
    );
  }
  if (found.length > 1) {
    throw new DiagnosticError(
      error(
        'Several teams match',
        `${found.length} teams are named "${name}" (ids ${found.map((t) => t.id).join(', ')}); look the team up by id instead.`,
        path('name'),
      ),
    );
  }
  const [only] = found;
  const team = only ? await client.getTeam(only.id) : null;
  if (team === null) {
    throw new DiagnosticError(error('Team not found', `The team named "${name}" was deleted while it was being read.`, path('name')));
  }
  return team;
}
