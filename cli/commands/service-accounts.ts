// service-accounts list | create | delete (SysAdmin): identities for machines, each with one
// token that may not expire.
import type { Command } from 'commander';
import type { Schemas } from '../../client';
import type { Column } from '../output/printer';
import { formatTime, timeWithRelative } from '../output/time';
import { defineAction, jsonOutput, parseDays, type Runtime } from '../program';
import { idempotencyKey, printSecret } from './tokens';

type ServiceAccount = Schemas['ServiceAccount'];

const columns: Array<Column<ServiceAccount>> = [
  { header: 'ID', value: (s) => s.id ?? '' },
  { header: 'NAME', value: (s) => s.name ?? '' },
  { header: 'TOKEN', value: (s) => s.token_hint ?? '-' },
  { header: 'CREATED', value: (s) => formatTime(s.created_at) },
  { header: 'EXPIRES', value: (s) => timeWithRelative(s.expires_at) },
  { header: 'LAST USED', value: (s) => formatTime(s.last_used_at) },
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
    .option('-q, --quiet', 'print only the secret')
    .option('--idempotency-key <key>', 'send this key instead of a fresh one');
  jsonOutput(create, 'the `CreatedServiceAccount` object, secret (`token`) included.');
  defineAction(runtime, create, async (context, _args, options) => {
    const days = options['days'] as number | undefined;
    const created = await context.client().post('/service-accounts', {
      body: { name: options['name'] as string, ...(days === undefined ? {} : { expiration_days: days }) },
      header: { 'Idempotency-Key': idempotencyKey(options) },
    });
    printSecret(context, options['quiet'] === true, created, [
      ['ID', created.id],
      ['Name', created.name],
      ['Expires', timeWithRelative(created.expires_at)],
    ]);
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
