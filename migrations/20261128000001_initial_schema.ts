// Users, teams, service accounts, tokens (personal and service-account in one table, found by
// the unique index on the HMAC of the secret), idempotency records and audit events.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      email text NOT NULL,
      name text NOT NULL,
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    );
    CREATE UNIQUE INDEX users_email_key ON users (lower(email));
    CREATE INDEX users_page ON users (created_at, id);

    CREATE TABLE teams (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL,
      role text NOT NULL CHECK (role IN ('SysAdmin', 'Member', 'ReadOnly')),
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    );
    CREATE UNIQUE INDEX teams_name_key ON teams (lower(name));
    CREATE INDEX teams_page ON teams (created_at, id);

    CREATE TABLE team_members (
      team_id uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (team_id, user_id)
    );
    CREATE INDEX team_members_user ON team_members (user_id);

    CREATE TABLE service_accounts (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL,
      created_by_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
      created_at timestamptz NOT NULL,
      deleted_at timestamptz
    );
    CREATE INDEX service_accounts_page ON service_accounts (created_at, id) WHERE deleted_at IS NULL;

    CREATE TABLE tokens (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      kind text NOT NULL CHECK (kind IN ('personal_access_token', 'service_account')),
      user_id uuid REFERENCES users (id) ON DELETE CASCADE,
      service_account_id uuid REFERENCES service_accounts (id) ON DELETE CASCADE,
      name text NOT NULL,
      secret_hash bytea NOT NULL,
      token_hint text NOT NULL,
      expiration_days integer,
      created_at timestamptz NOT NULL,
      expires_at timestamptz,
      revoked_at timestamptz,
      last_used_at timestamptz,
      CHECK (
        (kind = 'personal_access_token' AND user_id IS NOT NULL AND service_account_id IS NULL
          AND expires_at IS NOT NULL AND expiration_days IS NOT NULL)
        OR (kind = 'service_account' AND service_account_id IS NOT NULL AND user_id IS NULL)
      )
    );
    -- Verification looks a token up by this index only: one B-tree descent, so a million rows
    -- cost one more page read than a thousand.
    CREATE UNIQUE INDEX tokens_secret_hash_key ON tokens (secret_hash);
    CREATE INDEX tokens_user_live ON tokens (user_id, created_at, id) WHERE revoked_at IS NULL;
    CREATE INDEX tokens_service_account ON tokens (service_account_id) WHERE service_account_id IS NOT NULL;

    CREATE TABLE idempotency_records (
      key_hash bytea PRIMARY KEY,
      request_hash bytea NOT NULL,
      response_status integer,
      response_ciphertext bytea,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL
    );
    CREATE INDEX idempotency_records_expiry ON idempotency_records (expires_at);

    -- No foreign keys: the trail must outlive the users, tokens and accounts it mentions.
    CREATE TABLE audit_events (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      occurred_at timestamptz NOT NULL,
      action text NOT NULL,
      outcome text NOT NULL CHECK (outcome IN ('success', 'failure')),
      actor_user_id uuid,
      actor_service_account_id uuid,
      token_id uuid,
      target_type text,
      target_id text,
      source_ip text,
      details jsonb NOT NULL DEFAULT '{}'::jsonb
    );
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP TABLE audit_events;
    DROP TABLE idempotency_records;
    DROP TABLE tokens;
    DROP TABLE service_accounts;
    DROP TABLE team_members;
    DROP TABLE teams;
    DROP TABLE users;
  `);
}
