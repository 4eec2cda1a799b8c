// Resource `tessera_user`: a person. Email, name and active change in place. Users are never
// deleted, because their audit trail must stay attributable: destroy deactivates the user.
import { DiagnosticError, error, path, type Diagnostic } from '../../protocol/diagnostics';
import { defineSchema } from '../../protocol/schema/definition';
import { apiDiagnostics } from '../../tessera/api-diagnostics';
import type { UpdateUserRequest, User } from '../../tessera/api-types';
import type { TesseraClient } from '../../tessera/client';
import { TesseraApiError } from '../../tessera/errors';
import { requireClient, tessera } from '../../tessera/provider-context';
import { checkDisplayName, checkEmail, isUuid, sameEmail } from '../shared/directory-rules';

export const TYPE_NAME = 'tessera_user';

export const userSchema = defineSchema({
  description:
    'A Tessera user: a person who signs in, owns personal access tokens and belongs to teams (see `tessera_team_membership`). **Destroying this resource does not delete the user: it deactivates them** (`active = false`), because Tessera keeps every user so that their audit trail stays attributable. A deactivated user cannot sign in and all their tokens stop working at once. The user stays in Tessera with the same email, so applying the same configuration again after a destroy fails with "Email already in use": import the user by id instead (with `active = true` to reactivate them).',
  attributes: {
    email: {
      type: 'string',
      required: true,
      description:
        'The email address the user signs in with; unique in Tessera without regard to case. Tessera stores it lower-cased; a spelling that differs only in case is not a change. Changing it updates the user in place.',
    },
    name: {
      type: 'string',
      required: true,
      description:
        "The user's display name, 1–100 characters without control characters or surrounding white space. Changing it updates the user in place.",
    },
    active: {
      type: 'bool',
      optional: true,
      computed: true,
      description:
        "Whether the user can sign in and use their tokens; defaults to `true`. `false` deactivates the user in place: every token of theirs stops working at once and their web sessions end. `true` again reactivates them: their unexpired, unrevoked tokens work again. Tessera refuses to deactivate the provider's own user.",
    },
    id: { type: 'string', computed: true, description: "The user's API id. Import an existing user by this id." },
    created_at: { type: 'string', computed: true, description: 'When the user was created (RFC 3339, UTC).' },
  },
});

export const userResource = tessera.resource({
  typeName: TYPE_NAME,
  schema: userSchema,

  validate({ config, diagnostics }) {
    checkEmail(config.email, diagnostics);
    checkDisplayName(config.name, 'name', 'user', diagnostics);
  },

  modifyPlan({ config, planned }) {
    if (config === null || planned === null) return;
    // active left out of the configuration means an active user, also for one deactivated since.
    if (config.active === null) planned.active = true;
  },

  async create({ config, provider, signal, log }) {
    const client = requireClient(provider, { signal, log });
    try {
      const user = await client.createUser({ email: config.email, name: config.name, active: config.active ?? true });
      log.info('created user', { id: user.id });
      return stateOf(user, config.email);
    } catch (failure) {
      throw new DiagnosticError(await createFailure(client, failure, config.email));
    }
  },

  async read({ state, provider, signal, log, diagnostics }) {
    const id = state.id;
    if (id === null) return null;
    const client = requireClient(provider, { signal, log });
    let user;
    try {
      user = await client.getUser(id);
      if (user === null && !(await seesOtherUsers(client))) {
        throw new DiagnosticError(
          error(
            `Could not read user ${id}`,
            "Tessera shows other users only to identities with a team role (SysAdmin, Member or ReadOnly), and the provider's API token has none, so it cannot tell whether this user still exists. Give the provider a token whose user or service account belongs to a team.",
          ),
        );
      }
    } catch (failure) {
      if (failure instanceof DiagnosticError) throw failure;
      throw new DiagnosticError(apiDiagnostics(failure, { summary: `Could not read user ${id}` }));
    }
    if (user === null) {
      if (state.email !== null) {
        diagnostics.warning(
          'User no longer exists',
          `The user "${state.email}" (id ${id}) is not known to Tessera any more. It was removed from the state; the plan creates the user again.`,
        );
      }
      return null;
    }
    return stateOf(user, state.email);
  },

  async update({ config, prior, provider, signal, log }) {
    const id = prior.id;
    if (id === null) throw new DiagnosticError(error('Cannot update the user', 'The state holds no user id; refresh, or import the user.'));
    const changes: UpdateUserRequest = {};
    if (prior.email === null || !sameEmail(config.email, prior.email)) changes.email = config.email;
    if (config.name !== prior.name) changes.name = config.name;
    const active = config.active ?? true;
    if (active !== prior.active) changes.active = active;
    // A spelling of the same email in other letter case changes the state only.
    if (Object.keys(changes).length === 0) return { email: config.email };
    const client = requireClient(provider, { signal, log });
    try {
      const user = await client.updateUser(id, changes);
      log.info('updated user', { id, fields: Object.keys(changes).join(',') });
      return stateOf(user, config.email);
    } catch (failure) {
      throw new DiagnosticError(updateFailure(failure, id, changes));
    }
  },

  // Users are never deleted: deactivation keeps who did what in the audit log attributable.
  async delete({ prior, provider, signal, log }) {
    const id = prior.id;
    if (id === null) return;
    const client = requireClient(provider, { signal, log });
    try {
      await client.updateUser(id, { active: false });
      log.info('deactivated user (destroy)', { id });
    } catch (failure) {
      if (failure instanceof TesseraApiError && failure.status === 404) {
        log.info('user no longer exists', { id });
        return;
      }
      const [first, ...rest] = apiDiagnostics(failure, { summary: `Could not deactivate user "${prior.email ?? ''}" (id ${id})` });
      const hint =
        ' Destroying a tessera_user deactivates the user. To stop managing the user without deactivating them, remove it from the state instead (a removed block, or terraform state rm).';
      throw new DiagnosticError(first ? [{ ...first, detail: `${first.detail ?? ''}${hint}` }, ...rest] : rest);
    }
  },

  import({ id }) {
    const trimmed = id.trim();
    if (!isUuid(trimmed)) {
      throw new DiagnosticError(
        error(
          'Invalid import id',
          `Import a user by their API id (a UUID, as in the id attribute, GET /api/v1/users?email=… or the tessera_user data source), not "${id}".`,
        ),
      );
    }
    return { id: trimmed };
  },
});

/** The state for an API user; the configured spelling of the email stays when it is the same address. */
function stateOf(user: User, configuredEmail: string | null) {
  return {
    id: user.id,
    email: configuredEmail !== null && sameEmail(configuredEmail, user.email) ? configuredEmail : user.email,
    name: user.name,
    active: user.active,
    created_at: user.created_at,
  };
}

/** Whether the provider's identity may see other users at all (it belongs to a team). */
async function seesOtherUsers(client: TesseraClient): Promise<boolean> {
  const me = await client.getMe();
  return me.teams.length > 0;
}

async function createFailure(client: TesseraClient, failure: unknown, email: string): Promise<Diagnostic[]> {
  if (failure instanceof TesseraApiError && failure.status === 409) {
    let existing: User | undefined;
    try {
      [existing] = await client.findUsersByEmail(email);
    } catch {
      existing = undefined;
    }
    const which = existing
      ? ` That user's id is ${existing.id}${existing.active ? '' : ', and they are deactivated (destroying a tessera_user deactivates the user, it never deletes them)'}.`
      : '';
    return [
      error(
        'Email already in use',
        `${failure.detail || `A user with the email ${email} already exists.`}${which} ` +
          'Emails are unique without regard to case. To manage that user with Terraform, import them by id (an import block or terraform import)' +
          `${existing && !existing.active ? ', with active = true to reactivate them' : ''}.`,
        path('email'),
      ),
    ];
  }
  return apiDiagnostics(failure, { summary: 'Could not create the user', attributes: ['email', 'name', 'active'] });
}

function updateFailure(failure: unknown, id: string, changes: UpdateUserRequest): Diagnostic[] {
  if (failure instanceof TesseraApiError && failure.status === 409) {
    const at = changes.email !== undefined && /email/i.test(failure.detail) ? 'email' : changes.active === false ? 'active' : undefined;
    return [error(`Could not update user ${id}`, `The Tessera API answered 409: ${failure.detail}`, at ? path(at) : undefined)];
  }
  return apiDiagnostics(failure, { summary: `Could not update user ${id}`, attributes: ['email', 'name', 'active'] });
}
