// login, logout, whoami: a personal access token checked with /me and kept per profile.
import type { Command } from 'commander';
import { ApiError, type Schemas } from '../../client';
import { DEFAULT_PROFILE, environmentEndpoint, normalizeEndpoint, resolveEndpoint } from '../config/credentials';
import type { CommandContext } from '../context';
import { authenticationError, usageError } from '../errors/exit-codes';
import { timeWithRelative } from '../output/time';
import { defineAction, jsonOutput, type Runtime } from '../program';
import { isInteractive, readAll, readHidden } from '../terminal/input';

/** whoami warns when the token in use expires sooner than this. */
export const EXPIRY_WARNING_DAYS = 3;

export function registerAuthCommands(runtime: Runtime, program: Command): void {
  const login = program
    .command('login')
    .summary('log in with a personal access token')
    .description(
      'Log in with a personal access token: read it (hidden prompt, or stdin with --with-token), check it with the API, store it for the profile.',
    )
    .option('--endpoint <url>', "the Tessera server (default: TESSERA_ENDPOINT, else the profile's, else http://127.0.0.1:8080)")
    .option('--with-token', 'read the token from standard input instead of prompting');
  jsonOutput(login, 'the `Me` object of the API (who the token belongs to).');
  defineAction(runtime, login, (context, _args, options) => loginAction(context, options as { endpoint?: string; withToken?: boolean }));

  const logout = program
    .command('logout')
    .summary('forget (and optionally revoke) the token')
    .description('Forget the token of the profile; with --revoke, also revoke it on the server first.')
    .option('--revoke', 'revoke the token on the server before forgetting it');
  jsonOutput(logout, '`{"profile": NAME, "revoked": true|false}`.');
  defineAction(runtime, logout, (context, _args, options) => logoutAction(context, options as { revoke?: boolean }));

  const whoami = program
    .command('whoami')
    .summary('show the user, teams, roles and token expiry')
    .description(
      `Show who the token in use belongs to: user, teams, roles, and the token's expiry (warns on stderr within ${EXPIRY_WARNING_DAYS} days of it).`,
    );
  jsonOutput(whoami, 'the `Me` object of the API.');
  defineAction(runtime, whoami, (context) => whoamiAction(context));
}

async function loginAction(context: CommandContext, options: { endpoint?: string; withToken?: boolean }): Promise<void> {
  const config = context.loadConfig();
  const profileName = context.profileName();
  const existing = config.profiles[profileName];
  const endpoint =
    options.endpoint !== undefined ? normalizeEndpoint(options.endpoint, '--endpoint') : resolveEndpoint(context.env, existing);

  let token: string;
  if (options.withToken) {
    token = (await readAll(context.io.stdin)).trim();
    if (token === '') throw usageError('no token on standard input', 'pipe the token in, e.g. `tessera login --with-token < token.txt`');
  } else if (isInteractive(context.io.stdin)) {
    context.io.stderr.write(`Logging in to ${endpoint} (profile "${profileName}").\n`);
    token = (await readHidden(context.io.stdin, context.io.stderr, 'Paste your personal access token (input hidden): ')).trim();
    if (token === '') throw usageError('no token given');
  } else {
    throw usageError('standard input is not a terminal, so the token cannot be prompted for', 'pass --with-token and pipe the token in');
  }
  if (/\s/.test(token)) throw usageError('the token contains white space; give exactly one token');
  context.useToken(token);

  let me: Schemas['Me'];
  try {
    me = await context.clientFor(endpoint, token).get('/me');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      throw authenticationError(
        `${endpoint} refused the token (HTTP 401): ${error.detail}`,
        'check that you copied the whole token and that it is neither expired nor revoked',
      );
    }
    throw error;
  }

  const next = structuredClone(config);
  next.profiles[profileName] = {
    endpoint,
    token,
    user: me.email ?? me.name,
    token_id: me.authenticated_by.token_id,
    token_expires_at: me.authenticated_by.expires_at,
    logged_in_at: new Date().toISOString(),
  };
  next.default_profile ??= profileName;
  context.saveConfig(next);

  const printer = context.printer;
  if (printer.json) printer.document(me);
  printer.success(`Logged in to ${endpoint} as ${me.email ?? me.name} (profile "${profileName}", saved in ${context.configFile}).`);
  warnIfExpiringSoon(context, me);
  if (context.env['TESSERA_API_TOKEN']) printer.warning('TESSERA_API_TOKEN is set: it takes precedence over the token just stored.');
  const envEndpoint = environmentEndpoint(context.env);
  if (envEndpoint !== undefined && envEndpoint !== endpoint) {
    printer.warning(
      `TESSERA_ENDPOINT (${envEndpoint}) differs from this profile's endpoint, so the stored token will not be used while it is set.`,
    );
  }
}

async function logoutAction(context: CommandContext, options: { revoke?: boolean }): Promise<void> {
  const config = context.loadConfig();
  const profileName = context.profileName();
  const profile = config.profiles[profileName];
  if (profile === undefined) {
    throw authenticationError(profileName === DEFAULT_PROFILE ? 'not logged in' : `not logged in (no profile "${profileName}")`);
  }
  context.useToken(profile.token, { kind: 'profile', profile: profileName });
  let revoked = false;
  if (options.revoke) {
    const client = context.clientFor(profile.endpoint, profile.token);
    try {
      const me = await client.get('/me');
      if (me.authenticated_by.type !== 'personal_access_token' || me.authenticated_by.token_id === null) {
        throw usageError(
          'this profile holds a service-account token, which `tessera service-accounts delete` revokes; it was not forgotten',
        );
      }
      await client.delete('/personal-access-tokens/{id}', { path: { id: me.authenticated_by.token_id } });
      revoked = true;
    } catch (error) {
      // A token the server no longer accepts is already as good as revoked: forget it anyway.
      if (!(error instanceof ApiError && error.status === 401)) throw error;
      context.printer.warning('the server no longer accepts this token (expired or already revoked); forgetting it.');
    }
  }
  const next = structuredClone(config);
  delete next.profiles[profileName];
  if (next.default_profile === profileName) delete next.default_profile;
  context.saveConfig(next);
  if (context.printer.json) context.printer.document({ profile: profileName, revoked });
  context.printer.success(
    `Logged out of ${profile.endpoint} (profile "${profileName}"): the token is forgotten${revoked ? ' and revoked on the server' : ' locally'}.`,
  );
  if (context.env['TESSERA_API_TOKEN']) context.printer.warning('TESSERA_API_TOKEN is still set in your environment.');
}

async function whoamiAction(context: CommandContext): Promise<void> {
  const credentials = context.credentials();
  const me = await context.client(credentials).get('/me');
  const by = me.authenticated_by;
  const kind =
    by.type === 'personal_access_token' ? 'personal access token' : by.type === 'service_account' ? 'service-account token' : by.type;
  const teams = me.teams.length === 0 ? '(none)' : me.teams.map((team) => `${team.name} (${team.role})`).join(', ');
  const source = credentials.source.kind === 'environment' ? 'TESSERA_API_TOKEN' : `profile "${credentials.source.profile}"`;
  context.printer.fields(
    [
      [me.service_account ? 'Service account' : 'User', me.email ? `${me.name} <${me.email}>` : me.name],
      ['ID', me.id],
      ['Teams', teams],
      ['Token', `${kind}${by.token_id ? ` ${by.token_id}` : ''}`],
      ['Expires', timeWithRelative(by.expires_at)],
      ['Endpoint', `${credentials.endpoint} (${source})`],
    ],
    me,
  );
  warnIfExpiringSoon(context, me);
}

function warnIfExpiringSoon(context: CommandContext, me: Schemas['Me']): void {
  const expiresAt = me.authenticated_by.expires_at;
  if (!expiresAt) return;
  const left = new Date(expiresAt).getTime() - Date.now();
  if (left < EXPIRY_WARNING_DAYS * 86_400_000) {
    context.printer.warning(
      `this token expires ${timeWithRelative(expiresAt)}. Create a new one with \`tessera tokens create --name NAME --days N\` and log in with it.`,
    );
  }
}
