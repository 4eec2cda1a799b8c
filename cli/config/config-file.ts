// The configuration file: $XDG_CONFIG_HOME/tessera/config.json (default ~/.config/tessera/),
// one entry per profile, each holding an endpoint and the token logged in with. It holds
// secrets, so it is written with mode 0600 (its folder 0700), atomically (a temporary file
// renamed over it), and an existing file with a wider mode is narrowed on the next write.
import fs from 'node:fs';
import path from 'node:path';
import { failure } from '../errors/exit-codes';

export interface Profile {
  /** e.g. https://tessera.example.com (no trailing slash). */
  endpoint: string;
  /** The secret logged in with. */
  token: string;
  /** Who the token belongs to, as /me said at login (email, or a service account's name). */
  user?: string;
  token_id?: string | null;
  /** When the token expires, as /me said at login; null: never (service accounts). */
  token_expires_at?: string | null;
  logged_in_at?: string;
}

export interface ConfigFile {
  version: 1;
  /** The profile used when neither --profile nor TESSERA_PROFILE names one; the first one logged in. */
  default_profile?: string;
  profiles: Record<string, Profile>;
}

const EMPTY: ConfigFile = { version: 1, profiles: {} };

export function configPath(env: NodeJS.ProcessEnv): string {
  const xdg = env['XDG_CONFIG_HOME'];
  // The XDG base directory rules ignore a relative XDG_CONFIG_HOME.
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(env['HOME'] || homeDirectory(), '.config');
  return path.join(base, 'tessera', 'config.json');
}

/** The account's home folder when HOME is unset; node:os is loaded only then, as it costs start-up time. */
function homeDirectory(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('node:os') as typeof import('node:os')).homedir();
}

export function readConfig(file: string): ConfigFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return structuredClone(EMPTY);
    throw failure(`cannot read the configuration file ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw failure(`the configuration file ${file} is not valid JSON`, 'fix it, or delete it and log in again');
  }
  if (!isConfig(parsed))
    throw failure(`the configuration file ${file} is not a Tessera configuration`, 'fix it, or delete it and log in again');
  return parsed;
}

export function writeConfig(file: string, config: ConfigFile): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temporary = path.join(dir, `.config.json.${process.pid}.tmp`);
  try {
    // Created 0600 from the start: the secret is never readable by others, not even briefly.
    const fd = fs.openSync(temporary, 'w', 0o600);
    try {
      fs.writeSync(fd, `${JSON.stringify(config, null, 2)}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.chmodSync(temporary, 0o600);
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw failure(`cannot write the configuration file ${file}: ${(error as Error).message}`);
  }
}

function isConfig(value: unknown): value is ConfigFile {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as { version?: unknown; profiles?: unknown };
  if (candidate.version !== 1 || candidate.profiles === null || typeof candidate.profiles !== 'object') return false;
  return Object.values(candidate.profiles as Record<string, unknown>).every(
    (profile) =>
      profile !== null &&
      typeof profile === 'object' &&
      typeof (profile as Profile).endpoint === 'string' &&
      typeof (profile as Profile).token === 'string',
  );
}
