// Resource `tessera_personal_access_token`: a token created through the API, revoked on
// destroy, replaced when its settings change or its rotation window opens, and dropped from
// state (with a warning saying why) when it expired or was revoked elsewhere.
import { randomUUID } from 'node:crypto';
import { DiagnosticError, error, path, type Diagnostics } from '../../protocol/diagnostics';
import { defineSchema } from '../../protocol/schema/definition';
import type { ModelOf } from '../../protocol/schema/model';
import { knownNumber, toJsNumber } from '../../protocol/values/reader';
import { apiDiagnostics } from '../../tessera/api-diagnostics';
import type { TesseraClient } from '../../tessera/client';
import { requireClient, tessera, type TesseraProviderContext } from '../../tessera/provider-context';
import type { Logger } from '../../protocol/logging/logger';
import { parseTimestamp, vanishedBecause } from '../../tessera/token-lifecycle';
import { refuseServiceAccount } from '../../tessera/caller';
import { PROVIDER_VERSION } from '../../tessera/version';
import { createOutcomeUnknown } from '../shared/create-outcome';
import { planRotation } from '../shared/rotation';
import { checkExpirationDays, checkName, checkRotateBeforeDays } from '../shared/token-rules';
import {
  clearPendingCreate,
  findByReference,
  readPendingCreate,
  settledDiagnostic,
  settlePendingCreate,
  unknownOutcomeDiagnostic,
  writePendingCreate,
  type PendingCreate,
} from './pending-create';

export const TYPE_NAME = 'tessera_personal_access_token';

const COMPUTED_ON_CREATE = ['id', 'token', 'token_hint', 'created_at', 'expires_at'] as const;

export const personalAccessTokenSchema = defineSchema({
  description:
    "A Tessera personal access token owned by the provider's user. The secret is returned once, on create, in `token`. Destroying the resource revokes the token. With `rotate_before_days` (and `lifecycle { create_before_destroy = true }`), a plan replaces the token before it expires, without a gap. `create_before_destroy` is the safe pattern for every replacement: the new token is created (and its settings checked by the server) before the old one is revoked, so a refused value — for example an `expiration_days` fed by another resource's output, only known at apply — leaves the old token in place instead of none.",
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
        "Lifetime of the token in whole days (1–30 unless the operator changed the server's token policy). Checked against the server's token policy whenever a token is about to be created (create or replace), at plan time when the value is known then; an existing token outside a policy changed later only draws a warning (plan and destroy keep working) and fails at its next replacement. When the value is only known after apply (e.g. another resource's output), use `lifecycle { create_before_destroy = true }`: otherwise a replace revokes the old token before the new value is checked. Changing it replaces the token.",
    },
    rotate_before_days: {
      type: 'number',
      optional: true,
      description:
        'Days before `expires_at` at which a plan replaces the token (0–29, less than `expiration_days`). Combine with `lifecycle { create_before_destroy = true }` so the new token exists before the old one is revoked. Unset: the token is never replaced for age, and plans warn during its last 7 days.',
    },
    id: { type: 'string', computed: true, description: "The token's API id. Import an existing token by this id." },
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

/** The configuration as validate and plan see it: any value may still be unknown. */
type TokenConfig = ModelOf<typeof personalAccessTokenSchema, 'unresolved'>;
/** The stored state (after an import, even name may be null until the first read). */
type TokenState = ModelOf<typeof personalAccessTokenSchema, 'state'>;

const DAY_MS = 24 * 60 * 60 * 1000;

/** The created_via marker on every token this provider creates. */
export const CREATED_VIA = `terraform-provider-tessera/${PROVIDER_VERSION}`;

export const personalAccessTokenResource = tessera.resource({
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
    refuseServiceAccount(provider.caller, `The resource ${TYPE_NAME}`, 'name');
    if (prior === null || req.requiresReplace.length > 0) {
      // A new token is about to be created: only now does the server's policy decide.
      checkNewTokenDays(config, prior, diagnostics, provider);
      return;
    }

    const expiresAt = prior.expires_at;
    if (expiresAt === null) return;
    const rotation = planRotation(
      { planned, requiresReplace: req.requiresReplace, diagnostics },
      {
        noun: 'Personal access token',
        name: prior.name ?? '',
        id: prior.id ?? '',
        expiresAt,
        rotateBeforeDays: config.rotate_before_days,
        computedOnCreate: COMPUTED_ON_CREATE,
        warnAt: 'expiration_days',
      },
    );
    if (rotation === 'replace') {
      checkNewTokenDays(config, prior, diagnostics, provider);
      return;
    }
    // The existing token stays: a policy changed since it was created does not block the plan.
    warnOutsidePolicy(config, prior, diagnostics, provider);
  },

  async create({ config, provider, signal, log, diagnostics, private: priv }) {
    // Apply-time config is wholly known; validation already refused days that are not whole.
    const name = config.name;
    const days = toJsNumber(config.expiration_days);
    const client = requireClient(provider, { signal, log });
    const clientReference = randomUUID();
    const pending: PendingCreate = {
      idempotency_key: randomUUID(),
      client_reference: clientReference,
      request: { name, expiration_days: days, created_via: CREATED_VIA, client_reference: clientReference },
      started_at: new Date().toISOString(),
    };
    try {
      const created = await client.createPersonalAccessToken(pending.request, pending.idempotency_key);
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
      if (!createOutcomeUnknown(failure)) {
        throw new DiagnosticError(
          apiDiagnostics(failure, { summary: 'Could not create the personal access token', attributes: ['name', 'expiration_days'] }),
        );
      }
      // Returning an object together with the error makes Terraform keep it, tainted, with this
      // private state: the next refresh settles the create (see pending-create.ts).
      log.warn('create outcome unknown; recorded for the next refresh', { client_reference: clientReference });
      diagnostics.add(unknownOutcomeDiagnostic(failure, pending, client.endpoint));
      writePendingCreate(priv, pending);
      return { id: null, token: null, token_hint: null, created_at: null, expires_at: null };
    }
  },

  async read({ state, provider, signal, diagnostics, log, private: priv }) {
    refuseServiceAccount(provider.caller, `The resource ${TYPE_NAME}`, 'name');
    const pending = readPendingCreate(priv);
    if (pending) {
      const client = requireClient(provider, { signal, log });
      let settled;
      try {
        settled = await settlePendingCreate(client, pending);
      } catch (failure) {
        throw new DiagnosticError(
          apiDiagnostics(failure, {
            summary: `Could not settle the earlier create of personal access token "${pending.request.name}" (client_reference ${pending.client_reference}); its outcome is still unknown`,
          }),
        );
      }
      diagnostics.add(settledDiagnostic(settled, pending));
      clearPendingCreate(priv);
      if (settled.kind === 'absent') return null;
      if (settled.kind === 'created') log.redact(settled.token.token);
      log.info('settled an interrupted create', { id: settled.token.id, outcome: settled.kind });
      return {
        name: state.name ?? settled.token.name,
        expiration_days: state.expiration_days ?? pending.request.expiration_days,
        rotate_before_days: state.rotate_before_days,
        id: settled.token.id,
        token: settled.kind === 'created' ? settled.token.token : null,
        token_hint: settled.token.token_hint,
        created_at: settled.token.created_at,
        expires_at: settled.token.expires_at,
      };
    }
    const id = state.id;
    if (id === null) return null;
    const client = requireClient(provider, { signal, log });
    let metadata;
    try {
      metadata = await client.getPersonalAccessToken(id);
    } catch (failure) {
      throw new DiagnosticError(apiDiagnostics(failure, { summary: `Could not read personal access token ${id}` }));
    }
    if (metadata === null) {
      const imported = state.name === null;
      if (!imported) diagnostics.add(vanishedWarning(state, id, state.expires_at));
      return null;
    }
    const derivedDays = Math.round(((parseTimestamp(metadata.expires_at) ?? 0) - (parseTimestamp(metadata.created_at) ?? 0)) / DAY_MS);
    return {
      // The API cannot rename a token or change its lifetime, so the configured spelling stays;
      // after import (name null) the API's values fill the state.
      name: state.name ?? metadata.name,
      expiration_days: state.expiration_days ?? metadata.expiration_days ?? derivedDays,
      rotate_before_days: state.rotate_before_days,
      id: metadata.id,
      token: state.token,
      token_hint: metadata.token_hint,
      created_at: metadata.created_at,
      expires_at: metadata.expires_at,
    };
  },

  // Only rotate_before_days can change in place; it lives in state alone.
  update() {
    return {};
  },

  async delete({ prior, provider, signal, log, private: priv }) {
    refuseServiceAccount(provider.caller, `Revoking a ${TYPE_NAME}`, 'name');
    const id = prior.id;
    if (id === null) {
      // A create with an unknown outcome that no refresh settled (e.g. destroy -refresh=false):
      // revoke whatever it made, found by its client_reference; never create to destroy.
      const pending = readPendingCreate(priv);
      if (pending) await revokePending(requireClient(provider, { signal, log }), pending, log);
      return;
    }
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
      throw new DiagnosticError(
        error(
          'Invalid import id',
          'Import a personal access token by its API id, as shown in the id attribute or GET /api/v1/personal-access-tokens.',
        ),
      );
    }
    return { id: id.trim() };
  },
});

/**
 * The checks for a token about to be created (create, or a replace): the policy applies, and a
 * value still unknown is called out, because in a replace without create_before_destroy the
 * old token is revoked before the new value can be checked.
 */
function checkNewTokenDays(
  config: TokenConfig,
  prior: TokenState | null,
  diagnostics: Diagnostics,
  provider: TesseraProviderContext,
): void {
  checkExpirationDays(config.expiration_days, diagnostics, provider.policy);
  if (knownNumber(config.expiration_days) !== undefined) return;
  const { min, max } = provider.policy;
  const checked = `It is checked against the server's token policy (${min}–${max} days) only when the token is created, during apply.`;
  diagnostics.warning(
    'expiration_days is not known until apply',
    prior === null
      ? `${checked} Prefer a value known at plan time, so a bad value fails the plan instead of the apply.`
      : `${checked} This plan replaces the token "${prior.name ?? ''}" (id ${prior.id ?? ''}): ` +
          'unless the resource has lifecycle { create_before_destroy = true }, Terraform revokes the old token before the new value is checked, ' +
          'and a bad value then leaves no token at all. With create_before_destroy, a bad value fails the create and the old token stays. ' +
          'Add create_before_destroy, or make the value known at plan time.',
    path('expiration_days'),
  );
}

/** An existing token whose lifetime the server's policy no longer allows: it keeps working; say what comes next. */
function warnOutsidePolicy(config: TokenConfig, prior: TokenState, diagnostics: Diagnostics, provider: TesseraProviderContext): void {
  const days = knownNumber(config.expiration_days);
  const { min, max, source } = provider.policy;
  if (source !== 'server' || typeof days !== 'number' || (days >= min && days <= max)) return;
  const expiresAt = prior.expires_at ?? 'its expiry';
  diagnostics.warning(
    days > max ? "Token lifetime above the server's current maximum" : "Token lifetime below the server's current minimum",
    `expiration_days is ${days}, but the server's token policy now allows ${min}–${max} days (GET /api/v1/token-policy). ` +
      `The existing token keeps working until it expires at ${expiresAt}, and plan and destroy keep working; ` +
      `its next replacement (rotation, or a change that forces a new token) will fail until expiration_days is within ${min}–${max}.`,
    path('expiration_days'),
  );
}

async function revokePending(client: TesseraClient, pending: PendingCreate, log: Logger): Promise<void> {
  try {
    const settled = await findByReference(client, pending.client_reference);
    if (settled.kind === 'absent') return;
    await client.revokePersonalAccessToken(settled.token.id);
    log.info('revoked the token of an interrupted create', { id: settled.token.id });
  } catch (failure) {
    throw new DiagnosticError(
      apiDiagnostics(failure, {
        summary: `Could not revoke the token of the interrupted create of "${pending.request.name}" (client_reference ${pending.client_reference})`,
      }),
    );
  }
}

function vanishedWarning(state: TokenState, id: string, expiresAt: string | null) {
  const name = state.name ?? '';
  const because = vanishedBecause(expiresAt, Date.now());
  if (because === 'expired') {
    return {
      severity: 'warning' as const,
      summary: 'Personal access token expired',
      detail: `The token "${name}" (id ${id}) expired at ${expiresAt}. It was removed from the state; the plan creates a new token. Set rotate_before_days to replace tokens before they expire.`,
    };
  }
  // The API answers 404 alike for every way a token goes; who revoked it is unknowable here. A
  // revocation by this provider whose answer was lost (a destroy that then failed) ends up
  // here too, so "revoked outside Terraform" would sometimes be false.
  return {
    severity: 'warning' as const,
    summary: 'Personal access token no longer active',
    detail:
      `The token "${name}" (id ${id}) is no longer active in Tessera although it would expire only at ${expiresAt ?? 'an unknown time'}: ` +
      'it was revoked (not by an apply whose result this state recorded) or no longer exists. ' +
      'A revocation by an earlier run that failed before saving its result looks the same. It was removed from the state; the plan creates a new token.',
  };
}
