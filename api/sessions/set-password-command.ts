// `npm run admin -- set-password --email E [--generate]`: sets a user's password for the web
// page. The password is read from standard input (asked twice without echo on a terminal, or the
// first line of piped input), or generated and printed once with --generate. It never comes from
// the command line, where shell history and `ps` would keep it. Setting a password ends all of
// that user's sessions.
import { parseArgs } from 'node:util';
import type { Knex } from 'knex';
import type { Clock } from '../clock';
import { randomPassword } from './admin-password';
import { hashPassword, passwordProblem } from './password-hash';
import { deleteUserSessions, findAccountByEmail, upsertPasswordHash } from './session-repository';

export interface CommandIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export interface SetPasswordDependencies {
  db: Knex;
  clock: Clock;
  io?: CommandIo;
}

export const SET_PASSWORD_USAGE = 'usage: set-password --email E [--generate]   (reads the password from standard input unless --generate)';

/** Runs the command; returns the process exit code (0 done, 1 refused, 2 usage). */
export async function setPasswordCommand(argv: string[], deps: SetPasswordDependencies): Promise<number> {
  const io: CommandIo = deps.io ?? { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
  let values: { email?: string; generate?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { email: { type: 'string' }, generate: { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    io.stderr.write(`set-password: ${error instanceof Error ? error.message : String(error)}\n${SET_PASSWORD_USAGE}\n`);
    return 2;
  }
  const email = values.email?.trim();
  if (!email) {
    io.stderr.write(`set-password: --email is required\n${SET_PASSWORD_USAGE}\n`);
    return 2;
  }
  const account = await findAccountByEmail(deps.db, email);
  if (!account) {
    io.stderr.write(`set-password: no user has the email ${email}\n`);
    return 1;
  }

  let password: string;
  if (values.generate) {
    password = randomPassword();
  } else {
    const read = await readPassword(io).catch(() => undefined);
    if (read === undefined) {
      io.stderr.write('set-password: cancelled\n');
      return 1;
    }
    if (read === null) {
      io.stderr.write('set-password: the two passwords do not match\n');
      return 1;
    }
    password = read;
  }
  const problem = passwordProblem(password);
  if (problem) {
    io.stderr.write(`set-password: the password ${problem}\n`);
    return 1;
  }

  await upsertPasswordHash(deps.db, account.userId, await hashPassword(password), deps.clock.now());
  const ended = await deleteUserSessions(deps.db, account.userId);
  if (values.generate) io.stdout.write(`${password}\n`);
  io.stderr.write(`Password set for ${account.email}${ended > 0 ? `; ${ended} session(s) ended` : ''}.\n`);
  return 0;
}

async function readPassword(io: CommandIo): Promise<string | null> {
  if (io.stdin.isTTY && io.stdin.setRawMode) {
    const first = await promptHidden(io, 'New password: ');
    const second = await promptHidden(io, 'Repeat it: ');
    return first === second ? first : null;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  return text.split(/\r?\n/)[0] ?? '';
}

/** Reads one line from a terminal without echoing it. */
function promptHidden(io: CommandIo, prompt: string): Promise<string> {
  const stdin = io.stdin;
  io.stderr.write(prompt);
  stdin.setRawMode?.(true);
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const onData = (data: Buffer | string) => {
      for (const char of data.toString()) {
        if (char === '\r' || char === '\n') {
          finish();
          resolve(value);
          return;
        }
        if (char === '\u0003') {
          finish();
          reject(new Error('cancelled'));
          return;
        }
        if (char === '\u007f' || char === '\b') value = [...value].slice(0, -1).join('');
        else value += char;
      }
    };
    const finish = () => {
      stdin.removeListener('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      io.stderr.write('\n');
    };
    stdin.on('data', onData);
  });
}
