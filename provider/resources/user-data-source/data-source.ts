// Data source `tessera_user`: one user, found by id or by email, with their teams.
import { objectType } from '../../protocol/cty/types';
import { DiagnosticError, error, path } from '../../protocol/diagnostics';
import { defineSchema } from '../../protocol/schema/definition';
import { apiDiagnostics } from '../../tessera/api-diagnostics';
import type { User } from '../../tessera/api-types';
import type { TesseraClient } from '../../tessera/client';
import { requireClient, tessera } from '../../tessera/provider-context';
import { checkOneLookupKey } from '../shared/lookup-keys';

export const TYPE_NAME = 'tessera_user';

export const userDataSourceSchema = defineSchema({
  description:
    'One Tessera user, found by `id` or by `email` (exactly one of them), with their teams. Deactivated users are found too (`active` is then false). Reading other users needs a team role (SysAdmin, Member or ReadOnly). The read fails when no user matches.',
  attributes: {
    id: {
      type: 'string',
      optional: true,
      computed: true,
      description: "The user's id. Set it to look the user up by id; otherwise it is the id of the user found by `email`.",
    },
    email: {
      type: 'string',
      optional: true,
      computed: true,
      description:
        "The user's email address. Set it to look the user up by email (compared without regard to case); otherwise it is the email of the user found by `id`.",
    },
    name: { type: 'string', computed: true, description: "The user's display name." },
    active: { type: 'bool', computed: true, description: 'Whether the user can sign in and use their tokens (false once deactivated).' },
    created_at: { type: 'string', computed: true, description: 'When the user was created (RFC 3339, UTC).' },
    teams: {
      type: ['list', objectType({ id: 'string', name: 'string', role: 'string' })],
      computed: true,
      description: 'The teams the user belongs to: objects with `id`, `name` and `role`.',
    },
  },
});

export const userDataSource = tessera.dataSource({
  typeName: TYPE_NAME,
  schema: userDataSourceSchema,

  validate({ config, diagnostics }) {
    checkOneLookupKey('user', { id: config.id, other: config.email, otherName: 'email' }, diagnostics);
  },

  async read({ config, provider, signal, log }) {
    const client = requireClient(provider, { signal, log });
    let user: User;
    try {
      user = config.id !== null ? await byId(client, config.id) : await byEmail(client, config.email ?? '');
    } catch (failure) {
      if (failure instanceof DiagnosticError) throw failure;
      const key = config.id !== null ? `id ${config.id}` : `email "${config.email ?? ''}"`;
      throw new DiagnosticError(apiDiagnostics(failure, { summary: `Could not read the user with ${key}` }));
    }
    return {
      id: user.id,
      // The configured spelling stays: a data source must return the values it was given.
      email: config.email ?? user.email,
      name: user.name,
      active: user.active,
      created_at: user.created_at,
      teams: user.teams.map((t) => ({ id: t.id, name: t.name, role: t.role })),
    };
  },
});

async function byId(client: TesseraClient, id: string): Promise<User> {
  const user = await client.getUser(id.trim());
  if (user === null) {
    throw new DiagnosticError(
      error(
        'User not found',
        `Tessera has no user with the id "${id}" that the provider's identity may see (other users are visible only with a team role).`,
        path('id'),
      ),
    );
  }
  return user;
}

async function byEmail(client: TesseraClient, email: string): Promise<User> {
  const found = await client.findUsersByEmail(email);
  if (found.length === 0) {
    throw new DiagnosticError(
      error('User not found', `Tessera has no user with the email "${email}" (compared without regard to case).`, path('email')),
    );
  }
  if (found.length > 1) {
    throw new DiagnosticError(
      error(
        'Several users match',
        `${found.length} users have the email "${email}" (ids ${found.map((u) => u.id).join(', ')}); look the user up by id instead.`,
        path('email'),
      ),
    );
  }
  return found[0] as User;
}
