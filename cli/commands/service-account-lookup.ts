// Naming a service account on the command line: by id, or by a name only one live account has
// (names need not be unique: a token rotation keeps two accounts of one name alive at once).
import type { CommandContext } from '../context';
import { failure } from '../errors/exit-codes';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function serviceAccountId(context: CommandContext, idOrName: string): Promise<string> {
  if (UUID.test(idOrName)) return idOrName;
  const matches = await context.client().all('/service-accounts', 'service_accounts', { query: { name: idOrName } });
  if (matches.length === 1) return (matches[0] as { id: string }).id;
  if (matches.length === 0) throw failure(`no service account named ${idOrName}`, '`tessera service-accounts list` shows them');
  throw failure(
    `${matches.length} service accounts are named ${idOrName}: ${matches.map((m) => m.id).join(', ')}`,
    'name the one you mean by its id',
  );
}
