// Data source `tessera_personal_access_tokens`: the caller's active tokens (metadata only).
import { objectType } from '../../protocol/cty/types';
import { DiagnosticError } from '../../protocol/diagnostics';
import { defineSchema } from '../../protocol/schema/definition';
import { apiDiagnostics } from '../../tessera/api-diagnostics';
import { refuseServiceAccount } from '../../tessera/caller';
import { requireClient, tessera } from '../../tessera/provider-context';

export const TYPE_NAME = 'tessera_personal_access_tokens';

export const personalAccessTokensSchema = defineSchema({
  description:
    "The provider user's active (not revoked, not expired) personal access tokens, metadata only: the secrets are never readable after creation.",
  attributes: {
    tokens: {
      type: [
        'list',
        objectType({
          id: 'string',
          name: 'string',
          token_hint: 'string',
          created_at: 'string',
          expires_at: 'string',
          last_used_at: 'string',
        }),
      ],
      computed: true,
      description:
        'The tokens, each with `id`, `name`, `token_hint`, `created_at`, `expires_at` and `last_used_at` (null until first used; updated at most once a minute). RFC 3339 UTC timestamps.',
    },
  },
});

export const personalAccessTokensDataSource = tessera.dataSource({
  typeName: TYPE_NAME,
  schema: personalAccessTokensSchema,
  async read({ provider, signal, log }) {
    refuseServiceAccount(provider.caller, `The data source ${TYPE_NAME} (the provider user's own tokens)`, 'tokens');
    const client = requireClient(provider, { signal, log });
    try {
      const tokens = await client.listPersonalAccessTokens();
      return {
        tokens: tokens.map((t) => ({
          id: t.id,
          name: t.name,
          token_hint: t.token_hint,
          created_at: t.created_at,
          expires_at: t.expires_at,
          last_used_at: t.last_used_at ?? null,
        })),
      };
    } catch (failure) {
      throw new DiagnosticError(apiDiagnostics(failure, { summary: 'Could not list personal access tokens' }));
    }
  },
});
