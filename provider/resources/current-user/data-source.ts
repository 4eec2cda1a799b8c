// Data source `tessera_current_user`: who the provider's token belongs to.
import { objectType } from '../../protocol/cty/types';
import { DiagnosticError } from '../../protocol/diagnostics';
import { defineSchema } from '../../protocol/schema/definition';
import { apiDiagnostics } from '../../tessera/api-diagnostics';
import { requireClient, tessera } from '../../tessera/provider-context';

export const TYPE_NAME = 'tessera_current_user';

export const currentUserSchema = defineSchema({
  description: 'The user the provider authenticates as (`GET /api/v1/me`), with their teams and roles.',
  attributes: {
    id: { type: 'string', computed: true, description: "The user's id." },
    email: { type: 'string', computed: true, description: "The user's email address." },
    name: { type: 'string', computed: true, description: "The user's display name." },
    teams: {
      type: ['list', objectType({ id: 'string', name: 'string', role: 'string' })],
      computed: true,
      description: 'The teams the user belongs to: objects with `id`, `name` and `role` (`SysAdmin`, `Member` or `ReadOnly`).',
    },
  },
});

export const currentUserDataSource = tessera.dataSource({
  typeName: TYPE_NAME,
  schema: currentUserSchema,
  async read({ provider, signal, log }) {
    const client = requireClient(provider, { signal, log });
    try {
      const me = await client.getMe();
      return {
        id: me.id,
        email: me.email,
        name: me.name,
        teams: me.teams.map((team) => ({ id: team.id, name: team.name, role: team.role })),
      };
    } catch (failure) {
      throw new DiagnosticError(apiDiagnostics(failure, { summary: 'Could not read the current user' }));
    }
  },
});
