// Schema migrations with knex. They are plain TypeScript modules loaded through require, which
// works under tsx (npm start, admin CLI) and under jest's swc transform alike.
import path from 'node:path';
import type { Knex } from 'knex';
import { createKnex } from './connection';

export const MIGRATIONS_DIRECTORY = path.resolve(__dirname, '..', '..', 'migrations');

export const MIGRATION_CONFIG: Knex.MigratorConfig = {
  directory: MIGRATIONS_DIRECTORY,
  loadExtensions: ['.ts'],
  tableName: 'knex_migrations',
};

async function withKnex<T>(target: string | Knex, work: (db: Knex) => Promise<T>): Promise<T> {
  if (typeof target !== 'string') return work(target);
  const db = createKnex(target, { poolMax: 2, applicationName: 'tessera-migrate' });
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

/** Applies every pending migration; returns the names applied (empty when already current). */
export async function migrateLatest(target: string | Knex): Promise<string[]> {
  return withKnex(target, async (db) => {
    const [, applied] = (await db.migrate.latest(MIGRATION_CONFIG)) as [number, string[]];
    return applied;
  });
}

/** Names of migrations present on disk but not applied; used by /readyz. */
export async function pendingMigrations(target: string | Knex): Promise<string[]> {
  return withKnex(target, async (db) => {
    const [, pending] = (await db.migrate.list(MIGRATION_CONFIG)) as [unknown[], Array<{ file: string }>];
    return pending.map((entry) => entry.file);
  });
}
