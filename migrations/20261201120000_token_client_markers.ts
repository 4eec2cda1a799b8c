// Two optional, non-secret markers a client may set when it creates a personal access token:
// `created_via` (which tool made it, e.g. terraform-provider-tessera/0.1.0) and
// `client_reference` (an opaque value the client chose for that one create). A client that lost
// the answer to a create finds the token again by its reference. The reference is unique per
// user, so re-sending a create whose first attempt did land can never make a second token.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE tokens ADD COLUMN created_via text, ADD COLUMN client_reference text;
    CREATE UNIQUE INDEX tokens_user_client_reference_key ON tokens (user_id, client_reference) WHERE client_reference IS NOT NULL;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP INDEX tokens_user_client_reference_key;
    ALTER TABLE tokens DROP COLUMN client_reference, DROP COLUMN created_via;
  `);
}
