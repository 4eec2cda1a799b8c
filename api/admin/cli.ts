// `npm run admin -- <command>`: operator commands that work straight against the database, with
// or without a running API. Against DATABASE_URL (+ TESSERA_SERVER_KEY), or else the embedded
// cluster under .tessera/ (TESSERA_HOME): the one a running `npm start` serves, or started here
// for the duration of the command.
//
// stdout carries only the result (the secret, or the user as JSON) so it can be piped; messages
// go to stderr. Exit codes: 0 done, 1 refused or failed, 2 bad usage.
import { parseArgs } from 'node:util';
import pino from 'pino';
import { AdminInputError, createPersonalTokenForEmail, createUserAccount, type AdminDatabaseOptions } from '../bootstrap';
import { systemClock } from '../clock';
import { ConfigError, loadConfig, type TesseraConfig } from '../config';
import { createKnex } from '../db/connection';
import { migrateLatest } from '../db/migrate';
import { setPasswordCommand, SET_PASSWORD_USAGE } from '../sessions';
import { loadOrCreateServerKey, openEmbeddedDatabase, requireConfiguredServerKey, stateDirectory, type LocalDatabase } from './local-state';

export const USAGE = `usage: npm run admin -- <command> [options]

commands:
  create-user  --email E --name N [--team T [--role SysAdmin|Member|ReadOnly]]
               creates a user (and the team, if --role is given and it does not exist);
               prints the user as JSON
  create-token --email E --days D [--name N]
               creates a personal access token for that user and prints its secret, once
  ${SET_PASSWORD_USAGE.replace(/^usage: /, '')}
  help         shows this text

database: DATABASE_URL (with TESSERA_SERVER_KEY), or the embedded PostgreSQL under .tessera/
(TESSERA_HOME), which is used while \`npm start\` runs it or started for the command otherwise.`;

const ROLES = ['SysAdmin', 'Member', 'ReadOnly'] as const;

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** The environment to configure from; default process.env. */
  env?: NodeJS.ProcessEnv;
}

class UsageError extends Error {}

function parseOptions<T extends Record<string, { type: 'string' }>>(argv: string[], options: T): { [K in keyof T]?: string } {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as { [K in keyof T]?: string };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`${flag} is required`);
  return value;
}

interface Database {
  options: AdminDatabaseOptions;
  url: string;
  close(): Promise<void>;
}

async function openDatabase(config: TesseraConfig, io: CliIo): Promise<Database> {
  const env = io.env ?? process.env;
  if (config.databaseUrl !== undefined) {
    const serverKey = requireConfiguredServerKey(config);
    return {
      url: config.databaseUrl,
      options: { database: config.databaseUrl, serverKey, patMaxDays: config.patMaxDays },
      close: async () => undefined,
    };
  }
  const dir = stateDirectory(env);
  const { key } = loadOrCreateServerKey(config, dir);
  const say = (msg: string): void => void io.stderr.write(`${msg}\n`);
  const local: LocalDatabase = await openEmbeddedDatabase({
    dir,
    reuseRunning: true,
    logger: { debug: () => undefined, info: () => undefined, warn: say },
  });
  try {
    // A fresh state folder: the schema may not exist yet (no `npm start` so far).
    await migrateLatest(local.url);
  } catch (error) {
    await local.stop();
    throw error;
  }
  say(`using the ${local.origin} PostgreSQL in ${dir}`);
  return { url: local.url, options: { database: local.url, serverKey: key, patMaxDays: config.patMaxDays }, close: local.stop };
}

async function createUser(argv: string[], config: TesseraConfig, io: CliIo): Promise<number> {
  const values = parseOptions(argv, {
    email: { type: 'string' },
    name: { type: 'string' },
    team: { type: 'string' },
    role: { type: 'string' },
  });
  const email = required(values.email, '--email');
  const name = required(values.name, '--name');
  const role = values.role;
  if (role !== undefined && !(ROLES as readonly string[]).includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  if (role !== undefined && values.team === undefined) throw new UsageError('--role needs --team (roles belong to teams)');
  const database = await openDatabase(config, io);
  try {
    const user = await createUserAccount(database.options, {
      email,
      name,
      team: values.team,
      role: role as (typeof ROLES)[number] | undefined,
    });
    io.stdout.write(`${JSON.stringify(user)}\n`);
    io.stderr.write(`created user ${user.email}\n`);
    return 0;
  } finally {
    await database.close();
  }
}

async function createToken(argv: string[], config: TesseraConfig, io: CliIo): Promise<number> {
  const values = parseOptions(argv, { email: { type: 'string' }, days: { type: 'string' }, name: { type: 'string' } });
  const email = required(values.email, '--email');
  const daysText = required(values.days, '--days');
  const days = /^\d+$/.test(daysText.trim()) ? Number(daysText) : Number.NaN;
  if (!Number.isInteger(days) || days < 1 || days > config.patMaxDays) {
    throw new UsageError(`--days must be an integer between 1 and ${config.patMaxDays}`);
  }
  const database = await openDatabase(config, io);
  try {
    const token = await createPersonalTokenForEmail(database.options, { email, days, name: values.name });
    io.stdout.write(`${token.token}\n`);
    io.stderr.write(
      `created token ${token.token_hint} (id ${token.id}) for ${email}, expires ${token.expires_at}; it is shown only once\n`,
    );
    return 0;
  } finally {
    await database.close();
  }
}

async function setPassword(argv: string[], config: TesseraConfig, io: CliIo): Promise<number> {
  const database = await openDatabase(config, io);
  const db = createKnex(database.url, { poolMax: 1, applicationName: 'tessera-admin', logger: pino({ level: 'silent' }) });
  try {
    return await setPasswordCommand(argv, { db, clock: systemClock, io: { stdin: process.stdin, stdout: io.stdout, stderr: io.stderr } });
  } finally {
    await db.destroy();
    await database.close();
  }
}

/** Runs one command; returns the exit code. Never throws for anything a user can type. */
export async function runAdminCli(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    io.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if (command === 'help' || command === '--help' || command === '-h') {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const commands: Record<string, (args: string[], config: TesseraConfig, io: CliIo) => Promise<number>> = {
    'create-user': createUser,
    'create-token': createToken,
    'set-password': setPassword,
  };
  const run = commands[command];
  if (run === undefined) {
    io.stderr.write(`unknown command "${command}"\n\n${USAGE}\n`);
    return 2;
  }
  try {
    return await run(rest, loadConfig(io.env ?? process.env), io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`${command}: ${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof AdminInputError || error instanceof ConfigError) {
      io.stderr.write(`${command}: ${error.message}\n`);
      return error instanceof ConfigError ? 2 : 1;
    }
    io.stderr.write(`${command} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

if (require.main === module) {
  void runAdminCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
