// Service accounts become team members like users, so their tokens carry their teams' roles. A
// table of their own (rather than a nullable column in team_members) keeps users' memberships,
// their primary key and every query over them exactly as they were.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE service_account_team_members (
      team_id uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
      service_account_id uuid NOT NULL REFERENCES service_accounts (id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (team_id, service_account_id)
    );
    CREATE INDEX service_account_team_members_account ON service_account_team_members (service_account_id);
    CREATE INDEX service_accounts_name ON service_accounts (lower(name)) WHERE deleted_at IS NULL;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP INDEX service_accounts_name;
    DROP TABLE service_account_team_members;
  `);
}
