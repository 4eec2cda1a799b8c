// users list | get | create | deactivate | activate. The API decides who may (reading: any team
// role; changing: SysAdmin).
import type { Command } from 'commander';
import type { Schemas } from '../../client';
import type { CommandContext } from '../context';
import type { Column } from '../output/printer';
import { formatTime } from '../output/time';
import { defineAction, jsonOutput, type Runtime } from '../program';
import { userId } from './tokens';

type User = Schemas['User'];

const teamsOf = (user: User): string =>
  user.teams.length === 0 ? '-' : user.teams.map((team) => `${team.name} (${team.role})`).join(', ');

const columns: Array<Column<User>> = [
  { header: 'ID', value: (u) => u.id },
  { header: 'EMAIL', value: (u) => u.email },
  { header: 'NAME', value: (u) => u.name },
  { header: 'ACTIVE', value: (u) => (u.active ? 'yes' : 'no') },
  { header: 'TEAMS', value: teamsOf },
];

export function printUser(context: CommandContext, user: User): void {
  context.printer.fields(
    [
      ['ID', user.id],
      ['Email', user.email],
      ['Name', user.name],
      ['Active', user.active ? 'yes' : 'no'],
      ['Teams', teamsOf(user)],
      ['Created', formatTime(user.created_at)],
      ['Updated', formatTime(user.updated_at)],
    ],
    user,
  );
}

export function registerUserCommands(runtime: Runtime, program: Command): void {
  const users = program
    .command('users')
    .summary('list, create, deactivate and activate users')
    .description('Users (reading needs a team role; changes need SysAdmin).');

  const list = users.command('list').description('List all users.');
  jsonOutput(list, 'an array of `User` objects (all pages).');
  defineAction(runtime, list, async (context) => {
    const rows = await context.client().all('/users', 'users');
    context.printer.table(rows, columns, rows, 'No users.');
  });

  const get = users.command('get').description('Show a user.').argument('<user>', 'user id or email');
  jsonOutput(get, 'a `User` object.');
  defineAction(runtime, get, async (context, [user]) => {
    const found = await context.client().get('/users/{id}', { path: { id: await userId(context, user as string) } });
    printUser(context, found);
  });

  const create = users
    .command('create')
    .description('Create a user (SysAdmin). Add them to a team with `tessera teams add-member`.')
    .requiredOption('--email <email>', 'their email address (unique, case-insensitive)')
    .requiredOption('--name <name>', 'their name')
    .option('--inactive', 'create the user deactivated');
  jsonOutput(create, 'the created `User` object.');
  defineAction(runtime, create, async (context, _args, options) => {
    const user = await context.client().post('/users', {
      body: { email: options['email'] as string, name: options['name'] as string, active: options['inactive'] !== true },
    });
    printUser(context, user);
    context.printer.success(`Created user ${user.email}.`);
  });

  for (const [name, active, description] of [
    ['deactivate', false, 'Deactivate a user (SysAdmin): all their tokens stop working at once.'],
    ['activate', true, 'Activate a deactivated user again (SysAdmin): their unexpired, unrevoked tokens work again.'],
  ] as const) {
    const command = users.command(name).description(description).argument('<user>', 'user id or email');
    jsonOutput(command, 'the updated `User` object.');
    defineAction(runtime, command, async (context, [user]) => {
      const updated = await context
        .client()
        .patch('/users/{id}', { path: { id: await userId(context, user as string) }, body: { active } });
      if (context.printer.json) context.printer.document(updated);
      context.printer.success(`${active ? 'Activated' : 'Deactivated'} user ${updated.email}.`);
    });
  }
}
