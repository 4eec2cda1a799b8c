// Data source `tessera_service_account`: one existing service account, looked up by id or by
// name (metadata only: the secret is never readable after creation).
import { DiagnosticError, error, path } from '../../protocol/diagnostics';
import { defineSchema } from '../../protocol/schema/definition';
import { known } from '../../protocol/values/reader';
import { apiDiagnostics } from '../../tessera/api-diagnostics';
import type { ServiceAccount } from '../../tessera/api-types';
import { requireClient, tessera } from '../../tessera/provider-context';

export const TYPE_NAME = 'tessera_service_account';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const serviceAccountDataSchema = defineSchema({
  description:
    'An existing Tessera service account, found by `id` or by `name` (exactly one of them). Metadata only: the token cannot be read back. Needs the SysAdmin role.',
  attributes: {
    id: {
      type: 'string',
      optional: true,
      computed: true,
      description: 'The service account id. Set this or `name`.',
    },
    name: {
      type: 'string',
      optional: true,
      computed: true,
      description:
        'The service account name, compared without regard to case and surrounding spaces. Set this or `id`. Names need not be unique: the lookup fails unless exactly one live account has it (during a rotation two may; look up by `id` then).',
    },
    team_ids: { type: ['set', 'string'], computed: true, description: 'The ids of the teams the service account is a member of.' },
    token_hint: { type: 'string', computed: true, description: '`tssvc_…` followed by the last four characters of its token.' },
    created_at: { type: 'string', computed: true, description: 'When the service account was created (RFC 3339, UTC).' },
    expires_at: { type: 'string', computed: true, description: 'When its token expires (RFC 3339, UTC); null when it never expires.' },
    last_used_at: {
      type: 'string',
      computed: true,
      description: 'When its token was last used (RFC 3339, UTC); null until first used.',
    },
  },
});

export const serviceAccountDataSource = tessera.dataSource({
  typeName: TYPE_NAME,
  schema: serviceAccountDataSchema,

  validate({ config, diagnostics }) {
    const id = known(config.id);
    const name = known(config.name);
    if (id === undefined || name === undefined) return;
    if ((id === null) === (name === null)) {
      diagnostics.error(
        'Set exactly one of id and name',
        id === null
          ? 'data "tessera_service_account" needs id or name to find the service account.'
          : 'id and name are both set; a service account is looked up by one of them.',
        path(id === null ? 'id' : 'name'),
      );
    } else if (id !== null && !UUID.test(id)) {
      diagnostics.error('Invalid id', `"${id}" is not a service account id (a UUID).`, path('id'));
    }
  },

  async read({ config, provider, signal, log }) {
    const client = requireClient(provider, { signal, log });
    let account: ServiceAccount;
    try {
      if (config.id !== null) {
        const found = await client.getServiceAccount(config.id);
        if (found === null) {
          throw new DiagnosticError(
            error('Service account not found', `No live service account has id "${config.id}" (it may have been deleted).`, path('id')),
          );
        }
        account = found;
      } else {
        const name = config.name ?? '';
        const matches = await client.findServiceAccountsByName(name);
        if (matches.length !== 1) {
          throw new DiagnosticError(
            error(
              matches.length === 0 ? 'Service account not found' : 'Service account name is ambiguous',
              matches.length === 0
                ? `No live service account is named "${name}".`
                : `${matches.length} live service accounts are named "${name}" (ids ${matches.map((m) => m.id).join(', ')}); look the one you mean up by id.`,
              path('name'),
            ),
          );
        }
        account = matches[0] as ServiceAccount;
      }
    } catch (failure) {
      if (failure instanceof DiagnosticError) throw failure;
      throw new DiagnosticError(apiDiagnostics(failure, { summary: 'Could not read the service account' }));
    }
    return {
      id: account.id,
      name: account.name,
      team_ids: account.team_ids,
      token_hint: account.token_hint,
      created_at: account.created_at,
      expires_at: account.expires_at,
      last_used_at: account.last_used_at,
    };
  },
});
