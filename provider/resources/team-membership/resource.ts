// Resource `tessera_team_membership`: one user or one service account in one team. Every
// attribute forces replacement (a membership has nothing to update); a membership removed
// outside Terraform, or whose team was deleted, is dropped from state with a warning, so the
// plan adds it again.
import { isUnknown, type CtyValue } from '../../protocol/cty/values';
import { DiagnosticError, error, path, type Diagnostic, type Diagnostics } from '../../protocol/diagnostics';
import { defineSchema } from '../../protocol/schema/definition';
import type { ModelOf } from '../../protocol/schema/model';
import { knownString } from '../../protocol/values/reader';
import { apiDiagnostics } from '../../tessera/api-diagnostics';
import type { TeamDetail } from '../../tessera/api-types';
import { TesseraApiError } from '../../tessera/errors';
import { requireClient, tessera } from '../../tessera/provider-context';
import { checkId, isUuid } from '../shared/directory-rules';

export const TYPE_NAME = 'tessera_team_membership';

/** The prefix that marks a service account in a membership id: `<team_id>/sa:<service_account_id>`. */
const SERVICE_ACCOUNT_MARK = 'sa:';

export const teamMembershipSchema = defineSchema({
  description:
    "Makes one user, or one service account, a member of one team, so that it has the team's role on the Tessera API from its next request on. Set `team_id` and exactly one of `user_id` and `service_account_id`. Changing any of them replaces the membership (the old one is removed, the new one added). Destroying the resource removes the member from the team. Do not also manage the same service account's teams with `tessera_service_account.team_ids`: the two would undo each other's changes.",
  attributes: {
    team_id: {
      type: 'string',
      required: true,
      requiresReplace: true,
      description: 'The id of the team (e.g. `tessera_team.platform.id`). Changing it replaces the membership.',
    },
    user_id: {
      type: 'string',
      optional: true,
      requiresReplace: true,
      description:
        'The id of the user to add (e.g. `tessera_user.alice.id`). Exactly one of `user_id` and `service_account_id` must be set. Changing it replaces the membership.',
    },
    service_account_id: {
      type: 'string',
      optional: true,
      requiresReplace: true,
      description:
        'The id of the service account to add (e.g. `tessera_service_account.ci.id`). Exactly one of `user_id` and `service_account_id` must be set. Changing it replaces the membership.',
    },
    id: {
      type: 'string',
      computed: true,
      description:
        'The membership id: `<team_id>/<user_id>` for a user, `<team_id>/sa:<service_account_id>` for a service account. Import an existing membership by this id.',
    },
  },
});

type MembershipState = ModelOf<typeof teamMembershipSchema, 'state'>;

interface Member {
  teamId: string;
  kind: 'user' | 'service account';
  memberId: string;
}

export const teamMembershipResource = tessera.resource({
  typeName: TYPE_NAME,
  schema: teamMembershipSchema,

  validate({ config, diagnostics }) {
    checkId(config.team_id, 'team_id', 'team', diagnostics);
    checkId(config.user_id, 'user_id', 'user', diagnostics);
    checkId(config.service_account_id, 'service_account_id', 'service account', diagnostics);
    checkOneMember(config.user_id, config.service_account_id, diagnostics);
  },

  modifyPlan({ config, planned, prior }) {
    if (config === null || planned === null || prior !== null) return;
    // The id follows from the configuration; knowing it at plan time lets others refer to it.
    const teamId = knownString(config.team_id);
    const userId = knownString(config.user_id);
    const accountId = knownString(config.service_account_id);
    if (typeof teamId !== 'string' || userId === undefined || accountId === undefined) return;
    if (typeof userId === 'string' && accountId === null) planned.id = membershipId({ teamId, kind: 'user', memberId: userId });
    if (typeof accountId === 'string' && userId === null) {
      planned.id = membershipId({ teamId, kind: 'service account', memberId: accountId });
    }
  },

  async create({ config, provider, signal, log, diagnostics }) {
    checkOneMember(config.user_id, config.service_account_id, diagnostics);
    diagnostics.throwIfErrors();
    const member = memberOf(config);
    const client = requireClient(provider, { signal, log });
    try {
      if (member.kind === 'user') await client.addTeamMember(member.teamId, member.memberId);
      else await client.addTeamServiceAccount(member.teamId, member.memberId);
      log.info('added team member', { team_id: member.teamId, kind: member.kind, member_id: member.memberId });
    } catch (failure) {
      throw new DiagnosticError(createFailure(failure, member));
    }
    return { id: membershipId(member) };
  },

  async read({ state, provider, signal, log, diagnostics }) {
    if (state.team_id === null) return null;
    const member = memberOf(state);
    const client = requireClient(provider, { signal, log });
    let team: TeamDetail | null;
    try {
      team = await client.getTeam(member.teamId);
    } catch (failure) {
      throw new DiagnosticError(apiDiagnostics(failure, { summary: `Could not read team ${member.teamId} to check its members` }));
    }
    if (team === null) {
      diagnostics.warning(
        'Team of the membership no longer exists',
        `The team ${member.teamId} no longer exists in Tessera (it was deleted outside Terraform), so the ${member.kind} ${member.memberId} is no longer a member of it. ` +
          'The membership was removed from the state; the plan adds it again (which fails unless the team is created again too).',
      );
      return null;
    }
    // Ids compare without regard to case: a UUID may be configured in capitals.
    const wanted = member.memberId.toLowerCase();
    const present =
      member.kind === 'user'
        ? team.members.some((m) => m.id.toLowerCase() === wanted)
        : team.service_accounts.some((a) => a.id.toLowerCase() === wanted);
    if (!present) {
      diagnostics.warning(
        'Team membership removed outside Terraform',
        `The ${member.kind} ${member.memberId} is no longer a member of the team "${team.name}" (id ${team.id}): it was removed outside Terraform${member.kind === 'service account' ? ', or the service account was deleted' : ''}. ` +
          'The membership was removed from the state; the plan adds it again.',
      );
      return null;
    }
    return { team_id: member.teamId, user_id: state.user_id, service_account_id: state.service_account_id, id: membershipId(member) };
  },

  async delete({ prior, provider, signal, log }) {
    if (prior.team_id === null) return;
    const member = memberOf(prior);
    const client = requireClient(provider, { signal, log });
    try {
      const removed =
        member.kind === 'user'
          ? await client.removeTeamMember(member.teamId, member.memberId)
          : await client.removeTeamServiceAccount(member.teamId, member.memberId);
      if (!removed) log.info('membership was already gone', { team_id: member.teamId, member_id: member.memberId });
    } catch (failure) {
      throw new DiagnosticError(
        apiDiagnostics(failure, { summary: `Could not remove the ${member.kind} ${member.memberId} from team ${member.teamId}` }),
      );
    }
  },

  import({ id }) {
    const member = parseMembershipId(id.trim());
    if (member === null) {
      throw new DiagnosticError(
        error(
          'Invalid import id',
          `Import a team membership by "<team_id>/<user_id>" for a user or "<team_id>/sa:<service_account_id>" for a service account (API ids, UUIDs), not "${id}".`,
        ),
      );
    }
    return {
      team_id: member.teamId,
      user_id: member.kind === 'user' ? member.memberId : null,
      service_account_id: member.kind === 'service account' ? member.memberId : null,
      id: membershipId(member),
    };
  },
});

/**
 * Exactly one of user_id and service_account_id. A value not known yet counts as set only when
 * Terraform promises it is not null; otherwise it is checked again once known (at the latest
 * in create, where everything is known).
 */
function checkOneMember(userId: CtyValue, accountId: CtyValue, diagnostics: Diagnostics): void {
  const user = presence(userId);
  const account = presence(accountId);
  if (user === 'set' && account === 'set') {
    diagnostics.error(
      'Conflicting team members',
      'service_account_id is set together with user_id; a membership adds exactly one member. Set only user_id (a user) or only service_account_id (a service account), and use one tessera_team_membership per member.',
      path('service_account_id'),
    );
  } else if (user === 'null' && account === 'null') {
    diagnostics.error(
      'Missing team member',
      'Neither user_id nor service_account_id is set; set exactly one of them: user_id to add a user, service_account_id to add a service account.',
      path('user_id'),
    );
  }
}

function presence(value: CtyValue): 'set' | 'null' | 'unknown' {
  if (value === null) return 'null';
  if (isUnknown(value)) return value.refinements.notNull === true ? 'set' : 'unknown';
  return 'set';
}

function memberOf(values: Pick<MembershipState, 'team_id' | 'user_id' | 'service_account_id'>): Member {
  const teamId = values.team_id ?? '';
  if (values.service_account_id !== null) return { teamId, kind: 'service account', memberId: values.service_account_id };
  return { teamId, kind: 'user', memberId: values.user_id ?? '' };
}

export function membershipId(member: Member): string {
  return `${member.teamId}/${member.kind === 'service account' ? SERVICE_ACCOUNT_MARK : ''}${member.memberId}`;
}

export function parseMembershipId(id: string): Member | null {
  const slash = id.indexOf('/');
  if (slash < 0) return null;
  const teamId = id.slice(0, slash);
  let rest = id.slice(slash + 1);
  const kind = rest.startsWith(SERVICE_ACCOUNT_MARK) ? 'service account' : 'user';
  if (kind === 'service account') rest = rest.slice(SERVICE_ACCOUNT_MARK.length);
  if (!isUuid(teamId) || !isUuid(rest)) return null;
  return { teamId: teamId.toLowerCase(), kind, memberId: rest.toLowerCase() };
}

/** A 404 names what was not found (team, user, service account): point at that attribute. */
function createFailure(failure: unknown, member: Member): Diagnostic[] {
  const summary = `Could not add the ${member.kind} ${member.memberId} to team ${member.teamId}`;
  if (failure instanceof TesseraApiError && failure.status === 404) {
    const detail = failure.detail.toLowerCase();
    const attribute = detail.includes('service account')
      ? 'service_account_id'
      : detail.includes('user')
        ? 'user_id'
        : detail.includes('team')
          ? 'team_id'
          : undefined;
    const what = attribute === 'team_id' ? 'team' : member.kind;
    const id = attribute === 'team_id' ? member.teamId : member.memberId;
    return [
      error(
        summary,
        `The Tessera API answered 404: ${failure.detail || 'not found'} There is no ${what} with the id ${id} (or it was deleted).`,
        attribute ? path(attribute) : undefined,
      ),
    ];
  }
  return apiDiagnostics(failure, { summary });
}
