// tokens list | create | get | revoke | revoke-all: the caller's personal access tokens.
import type { Command } from 'commander';
import { newIdempotencyKey, type Schemas } from '../../client';
import type { CommandContext } from '../context';
import { failure, usageError } from '../errors/exit-codes';
import type { Column } from '../output/printer';
import { formatTime, timeWithRelative } from '../output/time';
import { defineAction, jsonOutput, parseDays, type Runtime } from '../program';
import { confirm, isInteractive } from '../terminal/input';
import { version } from '../../package.json';

type Token = Schemas['PersonalAccessToken'];

export const SHOWN_ONCE = 'Copy the token now: it is shown once and cannot be shown again.';

const columns: Array<Column<Token>> = [
  { header: 'ID', value: (t) => t.id },
  { header: 'NAME', value: (t) => t.name },
  { header: 'TOKEN', value: (t) => t.token_hint },
  { header: 'CREATED', value: (t) => formatTime(t.created_at) },
  { header: 'EXPIRES', value: (t) => timeWithRelative(t.expires_at) },
  { header: 'LAST USED', value: (t) => formatTime(t.last_used_at) },
];

export function registerTokenCommands(runtime: Runtime, program: Command): void {
  const tokens = program
    .command('tokens')
    .summary('create, list and revoke your personal access tokens')
    .description('Your personal access tokens.');

  const list = tokens
    .command('list')
    .description("List your live tokens (not revoked, not expired); a SysAdmin may list another user's with --user.")
    .option('--user <id-or-email>', "list this user's tokens instead (SysAdmin)")
    .option(
      '--created-via <marker>',
      'only tokens created by this client, e.g. "terraform-provider-tessera/0.1.0" (the Terraform provider) or "tessera-cli/VERSION"',
    )
    .option('--client-reference <reference>', 'only the token a client created with this client_reference');
  jsonOutput(list, 'an array of `PersonalAccessToken` objects (all pages).');
  defineAction(runtime, list, async (context, _args, options) => {
    const client = context.client();
    const user = options['user'] as string | undefined;
    const query = {
      created_via: options['createdVia'] as string | undefined,
      client_reference: options['clientReference'] as string | undefined,
    };
    const rows =
      user === undefined
        ? await client.all('/personal-access-tokens', 'personal_access_tokens', { query })
        : await client.all('/users/{id}/personal-access-tokens', 'personal_access_tokens', {
            path: { id: await userId(context, user) },
            query,
          });
    context.printer.table(rows, columns, rows, 'No live tokens.');
  });

  const create = tokens
    .command('create')
    .description(
      'Create a token and print its secret once. The request carries an Idempotency-Key, so a retry after a lost answer returns the same token instead of a second one. The token is marked created_via "tessera-cli/VERSION".',
    )
    .requiredOption('--name <name>', 'what the token is for (1–100 characters)')
    .requiredOption('--days <days>', 'lifetime in days (see `tessera policy`)', parseDays)
    .option('-q, --quiet', 'print only the secret (for piping into a secret store)')
    .option(
      '--idempotency-key <key>',
      'send this key instead of a fresh one: repeating the command with it within 10 minutes returns the same token',
    );
  jsonOutput(create, 'the `CreatedPersonalAccessToken` object, secret (`token`) included.');
  defineAction(runtime, create, async (context, _args, options) => {
    const created = await context.client().post('/personal-access-tokens', {
      body: { name: options['name'] as string, expiration_days: options['days'] as number, created_via: `tessera-cli/${version}` },
      header: { 'Idempotency-Key': idempotencyKey(options) },
    });
    printSecret(context, options['quiet'] === true, created, [
      ['ID', created.id],
      ['Name', created.name],
      ['Expires', timeWithRelative(created.expires_at)],
    ]);
  });

  const get = tokens.command('get').description('Show one of your tokens.').argument('<id>', 'the token id');
  jsonOutput(get, 'a `PersonalAccessToken` object.');
  defineAction(runtime, get, async (context, [id]) => {
    const token = await context.client().get('/personal-access-tokens/{id}', { path: { id: id as string } });
    context.printer.fields(
      [
        ['ID', token.id],
        ['Name', token.name],
        ['Token', token.token_hint],
        ['Lifetime', `${token.expiration_days} days`],
        ['Created', formatTime(token.created_at)],
        ['Expires', timeWithRelative(token.expires_at)],
        ['Last used', formatTime(token.last_used_at)],
      ],
      token,
    );
  });

  const revoke = tokens
    .command('revoke')
    .description("Revoke a token at once (yours; a SysAdmin may revoke anyone's).")
    .argument('<id>', 'the token id');
  jsonOutput(revoke, '`{"id": ID, "revoked": true}`.');
  defineAction(runtime, revoke, async (context, [id]) => {
    const credentials = context.credentials();
    await context.client(credentials).delete('/personal-access-tokens/{id}', { path: { id: id as string } });
    if (context.printer.json) context.printer.document({ id, revoked: true });
    context.printer.success(`Revoked token ${id}.`);
  });

  const revokeAll = tokens
    .command('revoke-all')
    .description('Revoke every token of yours, including the one in use. Asks first on a terminal; elsewhere needs --yes.')
    .option('-y, --yes', 'do not ask for confirmation');
  jsonOutput(revokeAll, '`{"revoked_count": N}`.');
  defineAction(runtime, revokeAll, async (context, _args, options) => {
    const credentials = context.credentials();
    if (options['yes'] !== true) {
      if (!isInteractive(context.io.stdin)) throw usageError('refusing to revoke all your tokens without confirmation', 'pass --yes');
      const sure = await confirm(context.io.stdin, context.io.stderr, 'Revoke ALL your tokens, including the one this command uses?');
      if (!sure) {
        context.printer.note('Nothing revoked.');
        return;
      }
    }
    const result = await context.client(credentials).delete('/personal-access-tokens');
    const count = result.revoked_count ?? 0;
    if (context.printer.json) context.printer.document({ revoked_count: count });
    context.printer.success(`Revoked ${count} token${count === 1 ? '' : 's'}.`);
    context.printer.note(
      credentials.source.kind === 'profile'
        ? `The token of profile "${credentials.source.profile}" was among them: log in again with a new token.`
        : 'The token in TESSERA_API_TOKEN was among them.',
    );
  });
}

export function idempotencyKey(options: Record<string, unknown>): string {
  const given = options['idempotencyKey'] as string | undefined;
  if (given === undefined) return newIdempotencyKey();
  if (!/^[\x21-\x7e]{1,255}$/.test(given)) throw usageError('--idempotency-key must be 1–255 visible ASCII characters');
  return given;
}

/** The secret once: alone with --quiet; else the fields on stdout and the warning on stderr. */
export function printSecret(context: CommandContext, quiet: boolean, created: { token: string }, fields: Array<[string, string]>): void {
  const printer = context.printer;
  if (quiet) return printer.line(created.token);
  if (printer.json) printer.document(created);
  else printer.fields([['Secret', created.token], ...fields], created);
  printer.warning(SHOWN_ONCE);
}

/** A user id, or the id of the user with that email (emails are unique without regard to case). */
export async function userId(context: CommandContext, idOrEmail: string): Promise<string> {
  if (!idOrEmail.includes('@')) return idOrEmail;
  const users = await context.client().all('/users', 'users', { query: { email: idOrEmail.trim() } });
  const match = users.find((user) => user.email.toLowerCase() === idOrEmail.toLowerCase());
  if (match === undefined) throw failure(`no user with the email ${idOrEmail}`);
  return match.id;
}
