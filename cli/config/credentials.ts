// Which endpoint and token a command uses. TESSERA_ENDPOINT and TESSERA_API_TOKEN override the
// configuration file (so CI needs no login). A token stored for one endpoint is never sent to
// another: with TESSERA_ENDPOINT naming a different server, the stored token is not used.
import { authenticationError, usageError } from '../errors/exit-codes';
import type { ConfigFile, Profile } from './config-file';

/** Where `npm start` serves the API. */
export const DEFAULT_ENDPOINT = 'http://127.0.0.1:8080';
export const DEFAULT_PROFILE = 'default';

export type TokenSource = { kind: 'environment' } | { kind: 'profile'; profile: string };

export interface Credentials {
  endpoint: string;
  token: string;
  source: TokenSource;
  profileName: string;
}

/** A valid http(s) URL without trailing slashes, or a usage error naming where it came from. */
export function normalizeEndpoint(raw: string, from: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw usageError(`${from} is not a URL: ${raw}`, 'give the server address, e.g. https://tessera.example.com');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usageError(`${from} must be an http or https URL: ${raw}`);
  if (url.username || url.password) throw usageError(`${from} must not contain a user name or password`);
  if (url.search || url.hash) throw usageError(`${from} must not contain a query or fragment: ${raw}`);
  return url.toString().replace(/\/+$/, '');
}

export function selectedProfile(option: string | undefined, env: NodeJS.ProcessEnv, config: ConfigFile): string {
  const name = option ?? env['TESSERA_PROFILE'] ?? config.default_profile ?? DEFAULT_PROFILE;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) {
    throw usageError(`invalid profile name: ${name}`, 'use letters, digits, ".", "_" and "-" (at most 64)');
  }
  return name;
}

export function environmentEndpoint(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env['TESSERA_ENDPOINT'];
  return raw ? normalizeEndpoint(raw, 'TESSERA_ENDPOINT') : undefined;
}

/** The endpoint a command talks to: TESSERA_ENDPOINT, else the profile's, else the default. */
export function resolveEndpoint(env: NodeJS.ProcessEnv, profile: Profile | undefined): string {
  return environmentEndpoint(env) ?? profile?.endpoint ?? DEFAULT_ENDPOINT;
}

export function resolveCredentials(env: NodeJS.ProcessEnv, config: ConfigFile, profileName: string): Credentials {
  const profile = config.profiles[profileName];
  const endpoint = resolveEndpoint(env, profile);
  const fromEnvironment = env['TESSERA_API_TOKEN']?.trim();
  if (fromEnvironment) return { endpoint, token: fromEnvironment, source: { kind: 'environment' }, profileName };
  if (profile === undefined) {
    throw authenticationError(
      profileName === DEFAULT_PROFILE ? 'not logged in' : `not logged in (no profile "${profileName}")`,
      `run \`tessera login${profileName === DEFAULT_PROFILE ? '' : ` --profile ${profileName}`}\`, or set TESSERA_API_TOKEN`,
    );
  }
  if (endpoint !== profile.endpoint) {
    throw authenticationError(
      `the token of profile "${profileName}" is for ${profile.endpoint}, not ${endpoint} (TESSERA_ENDPOINT)`,
      `log in to ${endpoint} with \`tessera login --endpoint ${endpoint} --profile NAME\`, or set TESSERA_API_TOKEN`,
    );
  }
  return { endpoint, token: profile.token, source: { kind: 'profile', profile: profileName }, profileName };
}
