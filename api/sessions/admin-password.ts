// The embedded default's first start: the bootstrap admin (TESSERA_ADMIN_EMAIL) gets a random password, written to
// .tessera/admin-password (mode 0600) so the person who ran `npm start` can sign in to the page.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Knex } from 'knex';
import type pino from 'pino';
import type { Clock } from '../clock';
import { DEFAULT_ADMIN_EMAIL } from '../config';
import { hashPassword } from './password-hash';
import { findAccountByEmail, upsertPasswordHash } from './session-repository';

export const BOOTSTRAP_ADMIN_EMAIL = DEFAULT_ADMIN_EMAIL;
export const ADMIN_PASSWORD_FILE = 'admin-password';

/** 24 base64url characters: 144 random bits, easy to copy, nothing to escape in a shell. */
export function randomPassword(): string {
  return randomBytes(18).toString('base64url');
}

export interface AdminPasswordOptions {
  db: Knex;
  clock: Clock;
  logger: pino.Logger;
  /** The .tessera/ folder. */
  stateDirectory: string;
  /** The bootstrap admin's email; default DEFAULT_ADMIN_EMAIL. */
  email?: string;
}

export type AdminPasswordResult = { status: 'created'; file: string } | { status: 'kept' } | { status: 'no-such-user' };

/**
 * Gives the bootstrap admin a random password if it has none yet, writing it to
 * `<stateDirectory>/admin-password` (0600). Does nothing when a password is already set, so
 * calling it on every start is safe and never overwrites one the operator chose.
 */
export async function ensureAdminPassword(options: AdminPasswordOptions): Promise<AdminPasswordResult> {
  const email = options.email ?? BOOTSTRAP_ADMIN_EMAIL;
  const account = await findAccountByEmail(options.db, email);
  if (!account) return { status: 'no-such-user' };
  if (account.passwordHash !== null) return { status: 'kept' };

  const password = randomPassword();
  const file = path.join(options.stateDirectory, ADMIN_PASSWORD_FILE);
  await fs.mkdir(options.stateDirectory, { recursive: true, mode: 0o700 });
  // Write the file before storing the hash: if writing fails, no password exists that nobody knows.
  await fs.writeFile(file, `${password}\n`, { mode: 0o600 });
  await fs.chmod(file, 0o600); // `mode` only applies when the file is created
  await upsertPasswordHash(options.db, account.userId, await hashPassword(password), options.clock.now());
  options.logger.info({ email, file }, 'bootstrap admin password written; sign in to the web page with it');
  return { status: 'created', file };
}
