// Resource `tessera_personal_access_token`: a token created through the API, revoked on
// destroy, replaced when its settings change or its rotation window opens, and dropped from
// state (with a warning saying why) when it expired or was revoked elsewhere.
import { UNKNOWN, type CtyValue } from '../../protocol/cty/values';
import { defineResource, type CtyObject } from '../../protocol/definition';
import { DiagnosticError, error, path } from '../../protocol/diagnostics';
import { defineSchema } from '../../protocol/schema/definition';
import { apiDiagnostics } from '../../tessera/api-diagnostics';
import { configNumber, configString } from '../../tessera/config-values';
import { requireClient, type TesseraProviderContext } from '../../tessera/provider-context';
import { describeFromNow, EXPIRY_WARNING_DAYS, expiresSoon, parseTimestamp, rotationDue, vanishedBecause } from '../../tessera/token-lifecycle';
import { checkExpirationDays, checkName, checkRotateBeforeDays } from '../shared/token-rules';

export const TYPE_NAME = 'tessera_personal_access_token';

const COMPUTED_ON_CREATE = ['id', 'token', 'token_hint', 'created_at', 'expires_at'] as const;

export const personalAccessTokenSchema = defineSchema({
  description:
    'A Tessera personal access token owned by the provider\'s user. The secret is returned once, on create, in `token`. Destroying the resource revokes the token. With `rotate_before_days` (and `lifecycle { create_before_destroy = true }`), a plan replaces the token before it expires, without a gap.',
  attributes: {
    name: {
      type: 'string',
      required: true,
      requiresReplace: true,
      description: 'A label for the token, 1–100 characters (no control characters). Changing it replaces the token.',
    },
    expiration_days: {
      type: 'number',
      required: true,
      requiresReplace: true,
      description:
        'Lifetime of the token in whole days, checked at plan time against the server\'s token policy (1–30 unless the operator lowered the maximum). Changing it replaces the token.',
    },
    rotate_before_days: {
      type: 'number',
      optional: true,
      description:
        'Days before `expires_at` at which a plan replaces the token (0–29, less than `expiration_days`). Combine with `lifecycle { create_before_destroy = true }` so the new token exists before the old one is revoked. Unset: the token is never replaced for age, and plans warn during its last 7 days.',
    },
    id: { type: 'string', computed: true, description: 'The token\'s API id. Import an existing token by this id.' },
    token: {
      type: 'string',
      computed: true,
      sensitive: true,
      description: 'The secret (`tspat_…`), known only to the run that created the token; null after import.',
    },
    token_hint: {
      type: 'string',
      computed: true,
      description: 'A safe-to-show hint of the secret: `tspat_…` followed by its last four characters.',
    },
    created_at: { type: 'string', computed: true, description: 'When the token was created (RFC 3339, UTC).' },
    expires_at: {
      type: 'string',
      computed: true,
      description: 'When the token stops working (RFC 3339, UTC): `created_at` plus `expiration_days` days.',
    },
  },
});

const DAY_MS = 24 * 60 * 60 * 1000;

export const personalAccessTokenResource = defineResource<TesseraProviderContext>({
  typeName: TYPE_NAME,
  schema: personalAccessTokenSchema,

  validate({ config, diagnostics }) {
    checkName(config.name, diagnostics);
    checkExpirationDays(config.expiration_days, diagnostics);
    checkRotateBeforeDays(config.rotate_before_days, config.expiration_days, diagnostics);
  },

  modifyPlan(req) {
    const { prior, config, planned, diagnostics, provider } = req;
    if (config === null || planned === null) return; // destroy
    checkExpirationDays(config.expiration_days, diagnostics, provider.policy);
    if (prior === null || req.requiresReplace.length > 0) return; // create, or already replacing

    const expiresAt = configString(prior.expires_at);
    if (typeof expiresAt !== 'string') return;
    const now = Date.now();
    const rotateBefore = configNumber(config.rotate_before_days);
    if (rotateBefore === undefined) return; // not known yet: decided in the apply-time plan
    if (rotationDue(expiresAt, rotateBefore, now)) {
      // Replacement needs a changed value at the flagged path: the new token's computed
      // attributes are unknown, so expires_at changes and the CLI replaces the token.
      for (const name of COMPUTED_ON_CREATE) planned[name] = UNKNOWN;
      req.requiresReplace.push(path('expires_at'));
      return;
    }
    if (expiresSoon(expiresAt, now)) {
      const name = configString(prior.name) ?? '';
      const id = configString(prior.id) ?? '';
      diagnostics.warning(
        `Personal access token expires ${describeFromNow(expiresAt, now)}`,
        `The token "${name}" (id ${id}) expires at ${expiresAt}, within ${EXPIRY_WARNING_DAYS} days, and this plan does not replace it. ` +
          'Set rotate_before_days (with lifecycle { create_before_destroy = true }) to rotate it automatically, or replace it now with terraform apply -replace=ADDRESS.',
        path('expiration_days'),
      );
    }
  },

  async create({ config, provider, signal, log }) {
    const name = configString(config.name);
    const days = configNumber(config.expiration_days);
    if (typeof name !== 'string' || typeof days !== 'number') {
      throw new DiagnosticError(error('Token settings not known', 'name and expiration_days must be known when the token is created.'));
    }
    const client = requireClient(provider, { signal, log });
    try {
      const created = await client.createPersonalAccessToken({ name, expiration_days: days });
      log.redact(created.token);
      log.info('created personal access token', { id: created.id, token_hint: created.token_hint });
      // name and expiration_days keep the configured values: the plan promised exactly those.
      return {
        id: created.id,
        token: created.token,
        token_hint: created.token_hint,
        created_at: created.created_at,
        expires_at: created.expires_at,
      };
    } catch (failure) {
      throw new DiagnosticError(
        apiDiagnostics(failure, { summary: 'Could not create the personal access token', attributes: ['name', 'expiration_days'] }),
      );
    }
  },

  async read({ state, provider, signal, diagnostics, log }) {
    const id = configString(state.id);
    if (typeof id !== 'string') return null;
    const client = requireClient(provider, { signal, log });
    let metadata;
    try {
      metadata = await client.getPersonalAccessToken(id);
    } catch (failure) {
      throw new DiagnosticError(apiDiagnostics(failure, { summary: `Could not read personal access token ${id}` }));
    }
    const expiresAt = configString(state.expires_at) ?? null;
    if (metadata === null) {
      const imported = configString(state.name) === null;
      if (!imported) diagnostics.add(vanishedWarning(state, id, typeof expiresAt === 'string' ? expiresAt : null));
      return null;
    }
    const derivedDays = Math.round(((parseTimestamp(metadata.expires_at) ?? 0) - (parseTimestamp(metadata.created_at) ?? 0)) / DAY_MS);
    const next: Partial<CtyObject> = {
      // The API cannot rename a token or change its lifetime, so the configured spelling stays;
      // after import (name null) the API's values fill the state.
      name: keepOr(state.name, metadata.name),
      expiration_days: keepOr(state.expiration_days, metadata.expiration_days ?? derivedDays),
      rotate_before_days: state.rotate_before_days ?? null,
      id: metadata.id,
      token: state.token ?? null,
      token_hint: metadata.token_hint,
      created_at: metadata.created_at,
      expires_at: metadata.expires_at,
    };
    return next;
  },

  // Only rotate_before_days can change in place; it lives in state alone.
  update() {
    return {};
  },

  async delete({ prior, provider, signal, log }) {
    const id = configString(prior.id);
    if (typeof id !== 'string') return;
    const client = requireClient(provider, { signal, log });
    try {
      const revoked = await client.revokePersonalAccessToken(id);
      if (!revoked) log.info('token was already revoked or expired', { id });
    } catch (failure) {
      throw new DiagnosticError(apiDiagnostics(failure, { summary: `Could not revoke personal access token ${id}` }));
    }
  },

  import({ id }) {
    if (id.trim() === '') {
      throw new DiagnosticError(error('Invalid import id', 'Import a personal access token by its API id, as shown in the id attribute or GET /api/v1/personal-access-tokens.'));
    }
    return { id: id.trim() };
  },
});

function keepOr(value: CtyValue | undefined, fallback: CtyValue): CtyValue {
  return value === null || value === undefined ? fallback : value;
}

function vanishedWarning(state: CtyObject, id: string, expiresAt: string | null) {
  const name = configString(state.name) ?? '';
  const because = vanishedBecause(expiresAt, Date.now());
  if (because === 'expired') {
    return {
      severity: 'warning' as const,
      summary: 'Personal access token expired',
      detail: `The token "${name}" (id ${id}) expired at ${expiresAt}. It was removed from the state; the plan creates a new token. Set rotate_before_days to replace tokens before they expire.`,
    };
  }
  return {
    severity: 'warning' as const,
    summary: 'Personal access token revoked outside Terraform',
    detail: `The token "${name}" (id ${id}) no longer exists in Tessera although it expires only at ${expiresAt ?? 'an unknown time'}: it was revoked outside Terraform. It was removed from the state; the plan creates a new token.`,
  };
}
