// teams list | get | create | add-member | remove-member | add-service-account |
// remove-service-account | set-role. A team's role gives its members (users and service
// accounts) their permissions; changing it applies to their existing tokens at once.
import { Argument, Option, type Command } from 'commander';
import { roleValues, type Schemas } from '../../client';
import type { CommandContext } from '../context';
import { failure } from '../errors/exit-codes';
import type { Column } from '../output/printer';
import { formatTime } from '../output/time';
import { defineAction, jsonOutput, type Runtime } from '../program';
import { serviceAccountId } from './service-account-lookup';
import { userId } from './tokens';

type Team = Schemas['Team'];
type TeamDetail = Schemas['TeamDetail'];

const columns: Array<Column<Team>> = [
  { header: 'ID', value: (t) => t.id },
  { header: 'NAME', value: (t) => t.name },
  { header: 'ROLE', value: (t) => t.role },
  { header: 'MEMBERS', value: (t) => String(t.member_count) },
  { header: 'SERVICE ACCOUNTS', value: (t) => String(t.service_account_count) },
];

const ROLE_HELP = 'the role its members get';

function printTeam(context: CommandContext, team: TeamDetail): void {
  const members = team.members ?? [];
  const accounts = team.service_accounts ?? [];
  context.printer.fields(
    [
      ['ID', team.id],
      ['Name', team.name],
      ['Role', team.role],
      [
        'Members',
        members.length === 0 ? '(none)' : members.map((m) => `${m.email ?? m.id}${m.active === false ? ' (deactivated)' : ''}`).join(', '),
      ],
      ['Service accounts', accounts.length === 0 ? '(none)' : accounts.map((a) => `${a.name} (${a.id})`).join(', ')],
      ['Created', formatTime(team.created_at)],
      ['Updated', formatTime(team.updated_at)],
    ],
    team,
  );
}

/** A team id, or the id of the team with that name (team names are unique without regard to case). */
export async function teamId(context: CommandContext, idOrName: string): Promise<string> {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrName)) return idOrName;
  const teams = await context.client().all('/teams', 'teams', { query: { name: idOrName } });
  const match = teams.find((team) => team.name.toLowerCase() === idOrName.trim().toLowerCase());
  if (match === undefined) throw failure(`no team named ${idOrName}`, '`tessera teams list` shows the teams');
  return match.id;
}

export function registerTeamCommands(runtime: Runtime, program: Command): void {
  const teams = program
    .command('teams')
    .summary('teams, their roles and members')
    .description('Teams and their members (reading needs a team role; changes need SysAdmin).');

  const list = teams.command('list').description('List all teams.');
  jsonOutput(list, 'an array of `Team` objects (all pages).');
  defineAction(runtime, list, async (context) => {
    const rows = await context.client().all('/teams', 'teams');
    context.printer.table(rows, columns, rows, 'No teams.');
  });

  const get = teams.command('get').description('Show a team with its members.').argument('<team>', 'team id or name');
  jsonOutput(get, 'a `TeamDetail` object.');
  defineAction(runtime, get, async (context, [team]) => {
    printTeam(context, await context.client().get('/teams/{id}', { path: { id: await teamId(context, team as string) } }));
  });

  const create = teams
    .command('create')
    .description('Create a team (SysAdmin).')
    .requiredOption('--name <name>', 'the team name (unique)')
    .addOption(new Option('--role <role>', ROLE_HELP).choices(roleValues).makeOptionMandatory());
  jsonOutput(create, 'the created `TeamDetail` object.');
  defineAction(runtime, create, async (context, _args, options) => {
    const team = await context
      .client()
      .post('/teams', { body: { name: options['name'] as string, role: options['role'] as Schemas['Role'] } });
    printTeam(context, team);
    context.printer.success(`Created team ${team.name}.`);
  });

  for (const [name, adding] of [
    ['add-member', true],
    ['remove-member', false],
  ] as const) {
    const command = teams
      .command(name)
      .description(adding ? 'Add a user to a team (SysAdmin); adding a member twice is fine.' : 'Remove a user from a team (SysAdmin).')
      .argument('<team>', 'team id or name')
      .argument('<user>', 'user id or email');
    jsonOutput(command, 'the team afterwards, a `TeamDetail` object.');
    defineAction(runtime, command, async (context, [team, user]) => {
      const client = context.client();
      const path = { id: await teamId(context, team as string), user_id: await userId(context, user as string) };
      if (adding) await client.put('/teams/{id}/members/{user_id}', { path });
      else await client.delete('/teams/{id}/members/{user_id}', { path });
      const after = await client.get('/teams/{id}', { path: { id: path.id } });
      if (context.printer.json) context.printer.document(after);
      context.printer.success(`${adding ? 'Added' : 'Removed'} ${user as string} ${adding ? 'to' : 'from'} team ${after.name}.`);
    });
  }

  for (const [name, adding] of [
    ['add-service-account', true],
    ['remove-service-account', false],
  ] as const) {
    const command = teams
      .command(name)
      .description(
        adding
          ? "Add a service account to a team (SysAdmin); its token gets the team's role at once. Adding it twice is fine."
          : "Remove a service account from a team (SysAdmin); its token loses the team's role at once.",
      )
      .argument('<team>', 'team id or name')
      .argument('<service-account>', 'service account id, or a name that only one account has');
    jsonOutput(command, 'the team afterwards, a `TeamDetail` object.');
    defineAction(runtime, command, async (context, [team, account]) => {
      const client = context.client();
      const path = { id: await teamId(context, team as string), service_account_id: await serviceAccountId(context, account as string) };
      if (adding) await client.put('/teams/{id}/service-accounts/{service_account_id}', { path });
      else await client.delete('/teams/{id}/service-accounts/{service_account_id}', { path });
      const after = await client.get('/teams/{id}', { path: { id: path.id } });
      if (context.printer.json) context.printer.document(after);
      context.printer.success(
        `${adding ? 'Added' : 'Removed'} service account ${account as string} ${adding ? 'to' : 'from'} team ${after.name}.`,
      );
    });
  }

  const setRole = teams
    .command('set-role')
    .description("Change a team's role (SysAdmin); it applies to its members' existing tokens at once.")
    .argument('<team>', 'team id or name')
    .addArgument(new Argument('<role>', 'the new role').choices(roleValues));
  jsonOutput(setRole, 'the updated `TeamDetail` object.');
  defineAction(runtime, setRole, async (context, [team, role]) => {
    const updated = await context
      .client()
      .patch('/teams/{id}', { path: { id: await teamId(context, team as string) }, body: { role: role as Schemas['Role'] } });
    if (context.printer.json) context.printer.document(updated);
    context.printer.success(`Team ${updated.name} now has the role ${updated.role}.`);
  });
}
