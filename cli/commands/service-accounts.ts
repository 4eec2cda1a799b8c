// service-accounts list | get | create | update | delete (SysAdmin): identities for machines,
// each with one token that may not expire. An account in teams gets their roles.
import type { Command } from 'commander';
import type { Schemas } from '../../client';
import type { CommandContext } from '../context';
import { usageError } from '../errors/exit-codes';
import type { Column } from '../output/printer';
import { formatTime, timeWithRelative } from '../output/time';
import { defineAction, jsonOutput, parseDays, type Runtime } from '../program';
import { serviceAccountId } from './service-account-lookup';
import { teamId } from './teams';
import { idempotencyKey, printSecret } from './tokens';

type ServiceAccount = Schemas['ServiceAccount'];

const teamsOf = (account: ServiceAccount): string =>
  account.teams.length === 0 ? '-' : account.teams.map((team) => `${team.name} (${team.role})`).join(', ');

/** Commander's collector for a repeatable option. */
const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

async function teamIds(context: CommandContext, teams: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const team of teams) ids.push(await teamId(context, team));
  return [...new Set(ids)];
}

function printAccount(context: CommandContext, account: ServiceAccount): void {
  context.printer.fields(
    [
      ['ID', account.id],
      ['Name', account.name],
      ['Token', account.token_hint ?? '-'],
      ['Teams', teamsOf(account)],
      ['Created', formatTime(account.created_at)],
      ['Expires', timeWithRelative(account.expires_at)],
      ['Last used', formatTime(account.last_used_at)],
    ],
    account,
  );
}

const columns: Array<Column<ServiceAccount>> = [
  { header: 'ID', value: (s) => s.id ?? '' },
  { header: 'NAME', value: (s) => s.name ?? '' },
  { header: 'TOKEN', value: (s) => s.token_hint ?? '-' },
  { header: 'CREATED', value: (s) => formatTime(s.created_at) },
  { header: 'EXPIRES', value: (s) => timeWithRelative(s.expires_at) },
  { header: 'LAST USED', value: (s) => formatTime(s.last_used_at) },
  { header: 'TEAMS', value: teamsOf },
];

export function registerServiceAccountCommands(runtime: Runtime, program: Command): void {
  const accounts = program
    .command('service-accounts')
    .summary('identities for machines (SysAdmin)')
    .description('Service accounts: the identity for machines (SysAdmin).');

  const list = accounts.command('list').description('List service accounts.');
  jsonOutput(list, 'an array of `ServiceAccount` objects (all pages).');
  defineAction(runtime, list, async (context) => {
    const rows = await context.client().all('/service-accounts', 'service_accounts');
    context.printer.table(rows, columns, rows, 'No service accounts.');
  });

  const create = accounts
    .command('create')
    .description('Create a service account and print its token once (sent with an Idempotency-Key, like `tokens create`).')
    .requiredOption('--name <name>', 'what the account is for')
    .option('--days <days>', 'token lifetime in days (default: no expiry)', parseDays)
    .option('--team <team>', 'a team (id or name) to put it in, whose role its token gets; repeat for more', collect)
    .option('-q, --quiet', 'print only the secret')
    .option('--idempotency-key <key>', 'send this key instead of a fresh one');
  jsonOutput(create, 'the `CreatedServiceAccount` object, secret (`token`) included.');
  defineAction(runtime, create, async (context, _args, options) => {
    const days = options['days'] as number | undefined;
    const teams = options['team'] as string[] | undefined;
    const created = await context.client().post('/service-accounts', {
      body: {
        name: options['name'] as string,
        ...(days === undefined ? {} : { expiration_days: days }),
        ...(teams === undefined ? {} : { team_ids: await teamIds(context, teams) }),
      },
      header: { 'Idempotency-Key': idempotencyKey(options) },
    });
    printSecret(context, options['quiet'] === true, created, [
      ['ID', created.id],
      ['Name', created.name],
      ['Expires', timeWithRelative(created.expires_at)],
      ['Teams', created.team_ids.length === 0 ? '-' : (teams ?? []).join(', ')],
    ]);
  });

  const get = accounts
    .command('get')
    .description('Show a service account with its teams.')
    .argument('<service-account>', 'service account id, or a name that only one account has');
  jsonOutput(get, 'a `ServiceAccount` object.');
  defineAction(runtime, get, async (context, [account]) => {
    const id = await serviceAccountId(context, account as string);
    printAccount(context, await context.client().get('/service-accounts/{id}', { path: { id } }));
  });

  const update = accounts
    .command('update')
    .description("Rename a service account or set its teams; the teams' roles apply to its token at once.")
    .argument('<service-account>', 'service account id, or a name that only one account has')
    .option('--name <name>', 'the new name')
    .option('--team <team>', 'a team (id or name) it is to be in; repeat for more; replaces its teams', collect)
    .option('--no-teams', 'take it out of every team');
  jsonOutput(update, 'the updated `ServiceAccount` object.');
  defineAction(runtime, update, async (context, [account], options) => {
    const name = options['name'] as string | undefined;
    const teams = options['team'] as string[] | undefined;
    const clear = options['teams'] === false;
    if (clear && teams !== undefined) throw usageError('--team and --no-teams contradict each other');
    if (name === undefined && teams === undefined && !clear) throw usageError('nothing to change: give --name, --team or --no-teams');
    const id = await serviceAccountId(context, account as string);
    const updated = await context.client().patch('/service-accounts/{id}', {
      path: { id },
      body: {
        ...(name === undefined ? {} : { name }),
        ...(clear ? { team_ids: [] } : teams === undefined ? {} : { team_ids: await teamIds(context, teams) }),
      },
    });
    printAccount(context, updated);
    context.printer.success(`Updated service account ${updated.name}.`);
  });

  const remove = accounts
    .command('delete')
    .description('Delete a service account; its token stops working at once.')
    .argument('<id>', 'the service account id');
  jsonOutput(remove, '`{"id": ID, "deleted": true}`.');
  defineAction(runtime, remove, async (context, [id]) => {
    await context.client().delete('/service-accounts/{id}', { path: { id: id as string } });
    if (context.printer.json) context.printer.document({ id, deleted: true });
    context.printer.success(`Deleted service account ${id}.`);
  });
}
