// Resource `tessera_service_account`: a machine identity and its one token. Created through the
// API (the secret is returned once, on create), renamed and moved between teams in place,
// replaced when its lifetime changes or its rotation window opens, deleted on destroy (which
// revokes its token), and dropped from state with a warning when it was deleted elsewhere.
import { randomUUID } from 'node:crypto';
import { DiagnosticError, error, path, type Diagnostics } from '../../protocol/diagnostics';
import { defineSchema } from '../../protocol/schema/definition';
import type { ModelOf } from '../../protocol/schema/model';
import { knownNumber, knownString, toJsNumber } from '../../protocol/values/reader';
import { UNKNOWN, type CtyValue } from '../../protocol/cty/values';
import { apiDiagnostics } from '../../tessera/api-diagnostics';
import { requireClient, tessera } from '../../tessera/provider-context';
import { describeFromNow, parseTimestamp } from '../../tessera/token-lifecycle';
import { createOutcomeUnknown } from '../shared/create-outcome';
import { planRotation } from '../shared/rotation';
import { checkName, checkRotateBeforeDays } from '../shared/token-rules';
import {
  clearPendingCreate,
  readPendingCreate,
  settledDiagnostic,
  settlePendingCreate,
  unknownOutcomeDiagnostic,
  writePendingCreate,
  type PendingAccountCreate,
} from './pending-create';

export const TYPE_NAME = 'tessera_service_account';

/** The API's bounds for a service account's lifetime (null: no expiry). */
export const SERVICE_ACCOUNT_MIN_DAYS = 1;
export const SERVICE_ACCOUNT_MAX_DAYS = 3650;
/** At most this many teams per account (the API's limit on team_ids). */
export const TEAM_IDS_MAX = 100;

const COMPUTED_ON_CREATE = ['id', 'token', 'token_hint', 'created_at', 'expires_at'] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY_MS = 24 * 60 * 60 * 1000;

export const serviceAccountSchema = defineSchema({
  description:
    "A Tessera service account: an identity for a machine (a CI pipeline, a collector), with exactly one token. The token (`tssvc_…`) is returned once, on create, in `token`; use it as the provider's `api_token` to run Terraform as this service account. What the token may do comes from the roles of the teams the account is a member of (`team_ids`, or `tessera_team_membership` resources); in no team it can only call `/me` and the collector handshake. Destroying the resource deletes the service account, which revokes its token at once. With `expiration_days` and `rotate_before_days` (and `lifecycle { create_before_destroy = true }`), a plan replaces the account and its token before the token expires, without a gap; a replacement is a new service account with a new id. Managing a service account needs the SysAdmin role.",
  attributes: {
    name: {
      type: 'string',
      required: true,
      description:
        'A label for the service account, 1–100 characters (no control characters). Names need not be unique (during a rotation two accounts with the same name exist for a moment). Changing it renames the account in place.',
    },
    expiration_days: {
      type: 'number',
      optional: true,
      requiresReplace: true,
      description: `Lifetime of the token in whole days, ${SERVICE_ACCOUNT_MIN_DAYS}–${SERVICE_ACCOUNT_MAX_DAYS}. Null or omitted: the token never expires. Changing it replaces the service account (and its token).`,
    },
    rotate_before_days: {
      type: 'number',
      optional: true,
      description:
        'Days before `expires_at` at which a plan replaces the service account and its token (0–3649, less than `expiration_days`; needs `expiration_days`). Combine with `lifecycle { create_before_destroy = true }` so the new token exists before the old one is revoked. Unset: the account is never replaced for age, and plans warn during its last 7 days; an expired account is replaced by the next plan.',
    },
    team_ids: {
      type: ['set', 'string'],
      optional: true,
      computed: true,
      description: `The ids of the teams the service account is a member of (at most ${TEAM_IDS_MAX}); its token has those teams' roles. Set: this resource manages the account's memberships, in place, and a plan shows memberships changed outside Terraform as a change. Omitted (null): memberships are not managed here and the attribute shows the teams the account is in; add them with \`tessera_team_membership\` resources. Do not manage the same account's teams both ways: each would undo the other. When the account is replaced (rotation), the new account gets \`team_ids\` if set, otherwise the \`tessera_team_membership\` resources that refer to its id are replaced with it.`,
    },
    id: { type: 'string', computed: true, description: "The service account's API id. Import an existing service account by this id." },
    token: {
      type: 'string',
      computed: true,
      sensitive: true,
      description:
        'The secret (`tssvc_…`), known only to the run that created the service account. Null after import: the API never shows a secret again; to get a known token, replace the resource (`terraform apply -replace=ADDRESS`).',
    },
    token_hint: {
      type: 'string',
      computed: true,
      description: 'A safe-to-show hint of the secret: `tssvc_…` followed by its last four characters.',
    },
    created_at: { type: 'string', computed: true, description: 'When the service account was created (RFC 3339, UTC).' },
    expires_at: {
      type: 'string',
      computed: true,
      description: 'When the token stops working (RFC 3339, UTC): `created_at` plus `expiration_days` days; null when it never expires.',
    },
  },
});

type AccountConfig = ModelOf<typeof serviceAccountSchema, 'unresolved'>;

export const serviceAccountResource = tessera.resource({
  typeName: TYPE_NAME,
  schema: serviceAccountSchema,

  validate({ config, diagnostics }) {
    checkName(config.name, diagnostics, 'service account name');
    checkAccountDays(config.expiration_days, diagnostics);
    checkRotateBeforeDays(config.rotate_before_days, config.expiration_days, diagnostics, SERVICE_ACCOUNT_MAX_DAYS - 1);
    checkRotationNeedsExpiry(config, diagnostics);
    checkTeamIds(config.team_ids, diagnostics);
  },

  modifyPlan(req) {
    const { prior, config, planned, diagnostics } = req;
    if (config === null || planned === null || prior === null) return; // destroy or create
    if (req.requiresReplace.length > 0) return;
    const expiresAt = prior.expires_at;
    if (expiresAt === null) return;
    const now = Date.now();
    const expired = (parseTimestamp(expiresAt) ?? Infinity) <= now;
    // A new account gets the configured teams; with unmanaged teams it starts in none.
    const computedOnCreate = config.team_ids === null ? [...COMPUTED_ON_CREATE, 'team_ids' as const] : COMPUTED_ON_CREATE;
    const subject = {
      noun: 'Service account token',
      name: prior.name ?? '',
      id: prior.id ?? '',
      expiresAt,
      // An expired account's token no longer works: replace it whatever rotate_before_days says.
      rotateBeforeDays: expired ? 0 : config.rotate_before_days,
      computedOnCreate,
      warnAt: 'expiration_days',
    };
    const rotation = planRotation({ planned, requiresReplace: req.requiresReplace, diagnostics }, subject, now);
    if (rotation === 'replace' && expired) {
      diagnostics.warning(
        'Service account token expired',
        `The token of service account "${subject.name}" (id ${subject.id}) expired ${describeFromNow(expiresAt, now)} (at ${expiresAt}). ` +
          'This plan replaces the service account, and so its token. Set rotate_before_days to replace it before it expires.',
        path('expiration_days'),
      );
    }
  },

  async create({ config, provider, signal, log, diagnostics, private: priv }) {
    const client = requireClient(provider, { signal, log });
    const teamIds = config.team_ids === null ? undefined : [...config.team_ids].sort();
    const pending: PendingAccountCreate = {
      idempotency_key: randomUUID(),
      request: {
        name: config.name,
        expiration_days: config.expiration_days === null ? null : toJsNumber(config.expiration_days),
        ...(teamIds === undefined ? {} : { team_ids: teamIds }),
      },
      started_at: new Date().toISOString(),
    };
    try {
      const created = await client.createServiceAccount(pending.request, pending.idempotency_key);
      log.redact(created.token);
      log.info('created service account', { id: created.id, token_hint: created.token_hint });
      return {
        id: created.id,
        token: created.token,
        token_hint: created.token_hint,
        created_at: created.created_at,
        expires_at: created.expires_at,
        // The configured set when managed (the plan promised exactly it); else what the API made.
        team_ids: config.team_ids ?? created.team_ids,
      };
    } catch (failure) {
      if (!createOutcomeUnknown(failure)) {
        throw new DiagnosticError(
          apiDiagnostics(failure, { summary: 'Could not create the service account', attributes: ['name', 'expiration_days', 'team_ids'] }),
        );
      }
      // Returning an object together with the error makes Terraform keep it, tainted, with this
      // private state: the next refresh settles the create (see pending-create.ts).
      log.warn('create outcome unknown; recorded for the next refresh', { name: config.name });
      diagnostics.add(unknownOutcomeDiagnostic(failure, pending, client.endpoint));
      writePendingCreate(priv, pending);
      return { id: null, token: null, token_hint: null, created_at: null, expires_at: null, team_ids: config.team_ids };
    }
  },

  async read({ state, provider, signal, diagnostics, log, private: priv }) {
    const pending = readPendingCreate(priv);
    if (pending) {
      const client = requireClient(provider, { signal, log });
      let settled;
      try {
        settled = await settlePendingCreate(client, pending);
      } catch (failure) {
        throw new DiagnosticError(
          apiDiagnostics(failure, {
            summary: `Could not settle the earlier create of service account "${pending.request.name}"; its outcome is still unknown`,
          }),
        );
      }
      diagnostics.add(settledDiagnostic(settled, pending));
      clearPendingCreate(priv);
      if (settled === null) return null;
      log.redact(settled.token);
      log.info('settled an interrupted create', { id: settled.id });
      return {
        name: state.name ?? settled.name,
        expiration_days: state.expiration_days,
        rotate_before_days: state.rotate_before_days,
        team_ids: settled.team_ids,
        id: settled.id,
        token: settled.token,
        token_hint: settled.token_hint,
        created_at: settled.created_at,
        expires_at: settled.expires_at,
      };
    }
    const id = state.id;
    if (id === null) return null;
    const client = requireClient(provider, { signal, log });
    let account;
    try {
      account = await client.getServiceAccount(id);
    } catch (failure) {
      throw new DiagnosticError(apiDiagnostics(failure, { summary: `Could not read service account ${id}` }));
    }
    const imported = state.name === null;
    if (account === null) {
      if (!imported) {
        diagnostics.warning(
          'Service account no longer exists',
          `The service account "${state.name ?? ''}" (id ${id}) no longer exists in Tessera: it was deleted (not by an apply whose result this state recorded), and its token was revoked with it. ` +
            'It was removed from the state; the plan creates a new service account with a new token.',
        );
      }
      return null;
    }
    // The API stores the name trimmed: a configured spelling that trims to it is kept, so the
    // plan stays empty; a rename elsewhere shows as a change.
    const name = state.name !== null && state.name.trim() === account.name ? state.name : account.name;
    return {
      name,
      expiration_days: imported ? derivedDays(account.created_at, account.expires_at) : state.expiration_days,
      rotate_before_days: state.rotate_before_days,
      team_ids: account.team_ids,
      id: account.id,
      token: state.token,
      token_hint: account.token_hint ?? state.token_hint,
      created_at: account.created_at,
      expires_at: account.expires_at,
    };
  },

  async update({ config, prior, provider, signal, log }) {
    const id = prior.id;
    if (id === null) throw new DiagnosticError(error('Cannot update the service account', 'The state holds no id for it.'));
    const rename = config.name !== prior.name;
    const teamIds = config.team_ids === null ? undefined : [...config.team_ids].sort();
    const moveTeams = teamIds !== undefined && !sameSet(teamIds, prior.team_ids ?? []);
    if (!rename && !moveTeams) return {}; // only rotate_before_days changed: it lives in state alone
    const client = requireClient(provider, { signal, log });
    try {
      await client.updateServiceAccount(id, {
        ...(rename ? { name: config.name } : {}),
        ...(moveTeams ? { team_ids: teamIds } : {}),
      });
    } catch (failure) {
      throw new DiagnosticError(
        apiDiagnostics(failure, { summary: `Could not update service account ${id}`, attributes: ['name', 'team_ids'] }),
      );
    }
    log.info('updated service account', { id, renamed: rename, teams: moveTeams });
    return { name: config.name, ...(config.team_ids === null ? {} : { team_ids: config.team_ids }) };
  },

  async delete({ prior, provider, signal, log, diagnostics, private: priv }) {
    const id = prior.id;
    if (id === null) {
      // An unsettled create (destroy -refresh=false): settling it could create the account, and
      // a destroy must never create; say where to look instead.
      const pending = readPendingCreate(priv);
      if (pending) {
        diagnostics.warning(
          'Interrupted service account create left unsettled',
          `The create of the service account "${pending.request.name}" at ${pending.started_at} had an unknown outcome and was never settled (this destroy did not refresh). ` +
            `If it made an account, it still exists: find it with GET /api/v1/service-accounts?name=${encodeURIComponent(pending.request.name)} and delete it.`,
        );
      }
      return;
    }
    const client = requireClient(provider, { signal, log });
    try {
      const deleted = await client.deleteServiceAccount(id);
      if (!deleted) log.info('service account was already deleted', { id });
    } catch (failure) {
      throw new DiagnosticError(apiDiagnostics(failure, { summary: `Could not delete service account ${id}` }));
    }
  },

  import({ id }) {
    if (!UUID.test(id.trim())) {
      throw new DiagnosticError(
        error(
          'Invalid import id',
          `Import a service account by its API id (a UUID), as shown in the id attribute or GET /api/v1/service-accounts; got "${id}".`,
        ),
      );
    }
    return { id: id.trim() };
  },
});

/** The lifetime an imported account was created with, from its timestamps; null for no expiry. */
function derivedDays(createdAt: string, expiresAt: string | null): number | null {
  if (expiresAt === null) return null;
  return Math.round(((parseTimestamp(expiresAt) ?? 0) - (parseTimestamp(createdAt) ?? 0)) / DAY_MS);
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a.map((v) => v.toLowerCase()));
  const right = new Set(b.map((v) => v.toLowerCase()));
  return left.size === right.size && [...left].every((v) => right.has(v));
}

function checkAccountDays(value: CtyValue | undefined, diagnostics: Diagnostics): void {
  const days = knownNumber(value);
  if (days === null || days === undefined) return;
  if (!Number.isInteger(days) || days < SERVICE_ACCOUNT_MIN_DAYS || days > SERVICE_ACCOUNT_MAX_DAYS) {
    diagnostics.error(
      'Invalid expiration_days',
      `expiration_days is ${days}, but a service account's token lives a whole number of days within ${SERVICE_ACCOUNT_MIN_DAYS}–${SERVICE_ACCOUNT_MAX_DAYS}. Omit it (or set null) for a token that never expires.`,
      path('expiration_days'),
    );
  }
}

function checkRotationNeedsExpiry(config: AccountConfig, diagnostics: Diagnostics): void {
  if (knownNumber(config.rotate_before_days) === null || knownNumber(config.rotate_before_days) === undefined) return;
  if (config.expiration_days !== null) return;
  diagnostics.error(
    'rotate_before_days needs expiration_days',
    'rotate_before_days replaces the service account that many days before its token expires, but without expiration_days the token never expires, so it would never rotate. Set expiration_days, or remove rotate_before_days.',
    path('rotate_before_days'),
  );
}

function checkTeamIds(value: AccountConfig['team_ids'], diagnostics: Diagnostics): void {
  if (value === null || value === UNKNOWN || !Array.isArray(value)) return;
  if (value.length > TEAM_IDS_MAX) {
    diagnostics.error(
      'Invalid team_ids',
      `team_ids holds ${value.length} teams; a service account can be in at most ${TEAM_IDS_MAX}.`,
      path('team_ids'),
    );
  }
  for (const element of value) {
    const id = knownString(element);
    if (typeof id === 'string' && !UUID.test(id)) {
      diagnostics.error('Invalid team_ids', `"${id}" is not a team id (a UUID, such as tessera_team.NAME.id).`, path('team_ids'));
    }
  }
}
