// Ephemeral resource `tessera_personal_access_token`: a token that lives for one Terraform run.
// Open creates it; Close revokes it using the id kept in the run's private data, and the
// provider's onStop revokes any that Terraform did not close. The secret is
// returned to the CLI only as an ephemeral value, which never reaches state or plan files.
import { DiagnosticError } from '../../protocol/diagnostics';
import { defineSchema } from '../../protocol/schema/definition';
import { toJsNumber } from '../../protocol/values/reader';
import { apiDiagnostics } from '../../tessera/api-diagnostics';
import { refuseServiceAccount } from '../../tessera/caller';
import { requireClient, tessera } from '../../tessera/provider-context';
import { checkExpirationDays, checkName } from '../shared/token-rules';

export const TYPE_NAME = 'tessera_personal_access_token';

export const personalAccessTokenEphemeralSchema = defineSchema({
  description:
    "A short-lived Tessera personal access token for the duration of one Terraform run (Terraform ≥ 1.10, OpenTofu ≥ 1.11). It is created when the run opens it and revoked when the run closes it; the secret is never written to the state or a plan file. Use it, for example, as `api_token` of another provider configuration. Terraform does not close an ephemeral resource when something downstream of it failed; the provider therefore also revokes every token it opened and has not closed when Terraform stops it (Ctrl-C) or shuts it down at the end of the run, and on SIGTERM. What remains: a provider process killed outright (SIGKILL, out of memory, power loss) cannot revoke anything, and its token stays valid until `expires_at` — by default the shortest lifetime the server's policy allows (1 day).",
  attributes: {
    name: { type: 'string', required: true, description: 'A label for the token, 1–100 characters.' },
    expiration_days: {
      type: 'number',
      optional: true,
      computed: true,
      description:
        "Lifetime in whole days, within the server's token policy. Defaults to the shortest lifetime the policy allows (`min_expiration_days` of `GET /api/v1/token-policy`, 1 day unless the operator changed it). The token is revoked when the run closes it, and also when the provider is stopped or shut down (Terraform does not close ephemeral resources downstream of a failure); this lifetime bounds only what a killed run leaves: if the provider process is killed outright (SIGKILL, out of memory, power loss), nothing can revoke the token and it stays valid until it expires. A value above the minimum is honoured but only lengthens that exposure.",
    },
    id: { type: 'string', computed: true, description: "The token's API id." },
    token: { type: 'string', computed: true, sensitive: true, description: 'The secret (`tspat_…`), valid until the run ends.' },
    token_hint: { type: 'string', computed: true, description: '`tspat_…` followed by the last four characters of the secret.' },
    created_at: { type: 'string', computed: true, description: 'When the token was created (RFC 3339, UTC).' },
    expires_at: {
      type: 'string',
      computed: true,
      description: 'When the token would expire if the run did not revoke it (RFC 3339, UTC).',
    },
  },
});

interface EphemeralPrivate {
  id: string;
}

export const personalAccessTokenEphemeral = tessera.ephemeralResource({
  typeName: TYPE_NAME,
  schema: personalAccessTokenEphemeralSchema,

  validate({ config, diagnostics }) {
    checkName(config.name, diagnostics);
    checkExpirationDays(config.expiration_days, diagnostics);
  },

  async open({ config, provider, signal, log, diagnostics, private: privateState }) {
    refuseServiceAccount(provider.caller, `The ephemeral resource ${TYPE_NAME}`, 'name');
    checkName(config.name, diagnostics);
    checkExpirationDays(config.expiration_days, diagnostics, provider.policy);
    diagnostics.throwIfErrors();
    // Open sees wholly known config (the CLI defers an open whose config has unknowns).
    const name = config.name;
    // The shortest life the policy allows: it bounds a token that a killed run cannot revoke.
    const days = config.expiration_days === null ? provider.policy.min : toJsNumber(config.expiration_days);
    const client = requireClient(provider, { signal, log });
    try {
      const created = await client.createPersonalAccessToken({ name, expiration_days: days });
      log.redact(created.token);
      provider.ephemeralTokens.opened(created.id);
      privateState.setJson({ id: created.id } satisfies EphemeralPrivate);
      log.info('opened ephemeral personal access token', { id: created.id, token_hint: created.token_hint });
      return {
        result: {
          name,
          expiration_days: config.expiration_days ?? days,
          id: created.id,
          token: created.token,
          token_hint: created.token_hint,
          created_at: created.created_at,
          expires_at: created.expires_at,
        },
      };
    } catch (failure) {
      throw new DiagnosticError(
        apiDiagnostics(failure, { summary: 'Could not open the ephemeral personal access token', attributes: ['name', 'expiration_days'] }),
      );
    }
  },

  async close({ provider, signal, log, private: privateState }) {
    const saved = privateState.getJson<EphemeralPrivate>();
    if (!saved) return;
    if (!provider.ephemeralTokens.closing(saved.id)) {
      log.info('ephemeral token already revoked when the provider was stopped', { id: saved.id });
      return;
    }
    const client = requireClient(provider, { signal, log });
    try {
      const revoked = await client.revokePersonalAccessToken(saved.id);
      log.info(revoked ? 'revoked ephemeral personal access token' : 'ephemeral token was already gone', { id: saved.id });
    } catch (failure) {
      throw new DiagnosticError(apiDiagnostics(failure, { summary: `Could not revoke ephemeral personal access token ${saved.id}` }));
    }
  },
});
