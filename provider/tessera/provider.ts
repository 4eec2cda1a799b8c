// The `tessera` provider: its configuration block, the configure-time checks against the API,
// and the resources, data sources and ephemeral resources it serves.
import { defineProvider, type ConfigureRequest } from '../protocol/definition';
import { DiagnosticError, error, path, type Diagnostic } from '../protocol/diagnostics';
import { defineSchema } from '../protocol/schema/definition';
import { known, knownString } from '../protocol/values/reader';
import { currentUserDataSource } from '../resources/current-user/data-source';
import { personalAccessTokenEphemeral } from '../resources/personal-access-token-ephemeral/ephemeral-resource';
import { personalAccessTokenResource } from '../resources/personal-access-token/resource';
import { personalAccessTokensDataSource } from '../resources/personal-access-tokens/data-source';
import { serviceAccountDataSource } from '../resources/service-account-data/data-source';
import { serviceAccountResource } from '../resources/service-account/resource';
import { teamDataSource } from '../resources/team-data-source/data-source';
import { teamMembershipResource } from '../resources/team-membership/resource';
import { teamResource } from '../resources/team/resource';
import { userDataSource } from '../resources/user-data-source/data-source';
import { userResource } from '../resources/user/resource';
import { callerKindOf, UNKNOWN_CALLER, type Caller } from './caller';
import { TesseraClient } from './client';
import { OpenEphemeralTokens } from './ephemeral-tokens';
import { TesseraApiError, TesseraConnectionError, TesseraTimeoutError } from './errors';
import { FALLBACK_EXPIRATION_POLICY, type ExpirationPolicy, type TesseraProviderContext } from './provider-context';
import { ENDPOINT_VARIABLE, resolveSettings, TOKEN_VARIABLE, validateConfiguredSettings, type ProviderSettings } from './settings';
import { providerUserAgent } from './version';

export const providerSchema = defineSchema({
  description:
    "The Tessera provider manages the Tessera token service's access model: personal access tokens (long-lived ones as resources, with rotation; short-lived ones as ephemeral resources), service accounts (machine identities with their own rotating token, e.g. for CI), teams, users and team memberships, and read-only views of the caller and their tokens. It runs with a person's personal access token or with a service account's token.",
  attributes: {
    endpoint: {
      type: 'string',
      optional: true,
      description: 'Base URL of the Tessera API, e.g. `http://127.0.0.1:8080`. Defaults to the `TESSERA_ENDPOINT` environment variable.',
    },
    api_token: {
      type: 'string',
      optional: true,
      sensitive: true,
      description:
        "The Tessera token the provider authenticates with: a personal access token (`tspat_…`) or a service account's token (`tssvc_…`, for CI). Defaults to the `TESSERA_API_TOKEN` environment variable. Personal access tokens the provider creates belong to this token's user; with a service-account token, the personal-token resources fail at plan (service accounts cannot own personal tokens), and what the provider may do is what the service account's teams' roles allow.",
    },
    request_timeout: {
      type: 'string',
      optional: true,
      description:
        'The longest one provider operation (configuring, reading, creating or revoking a token) may spend on the Tessera API, every retry and wait included, as a duration such as `"60s"`, `"2m"` or `"1m30s"` (1s–1h). Defaults to the `TESSERA_REQUEST_TIMEOUT` environment variable, else `"60s"`. Each attempt waits at most 30 s for an answer; failures that retrying cannot fix (e.g. `https://` against a plain-HTTP server) end at once. When the deadline passes, the error names the time spent and the attempts made.',
    },
  },
});

export const tesseraProvider = defineProvider({
  typeName: 'tessera',
  schema: providerSchema,

  validateConfig({ config, diagnostics }) {
    const problems = validateConfiguredSettings({
      endpoint: known(config.endpoint),
      api_token: known(config.api_token),
      request_timeout: known(config.request_timeout),
    });
    for (const problem of problems) diagnostics.error(problem.summary, problem.detail, path(problem.attribute));
  },

  async configure(req): Promise<TesseraProviderContext> {
    const resolved = resolveSettings(
      { endpoint: known(req.config.endpoint), api_token: known(req.config.api_token), request_timeout: known(req.config.request_timeout) },
      process.env,
    );
    if ('unknown' in resolved) {
      req.log.info('provider configuration not known yet; API calls wait for apply');
      return { client: undefined, policy: FALLBACK_EXPIRATION_POLICY, ephemeralTokens: new OpenEphemeralTokens(), caller: UNKNOWN_CALLER };
    }
    if ('problems' in resolved) {
      throw new DiagnosticError(resolved.problems.map((p) => error(p.summary, p.detail, path(p.attribute))));
    }
    const { settings } = resolved;
    req.log.redact(settings.apiToken);
    const client = new TesseraClient({
      endpoint: settings.endpoint,
      token: settings.apiToken,
      requestTimeoutMs: settings.requestTimeoutMs,
      requestTimeoutLabel: settings.requestTimeoutLabel,
      signal: req.signal,
      userAgent: providerUserAgent(req.terraformVersion),
      logger: {
        debug: (message, fields) => req.log.debug(message, fields),
        warn: (message, fields) => req.log.warn(message, fields),
      },
    });
    const [identity, policy] = await Promise.all([
      client.getMe().then(
        () => undefined,
        (failure: unknown) => failure,
      ),
      fetchPolicy(client, req),
    ]);
    if (identity !== undefined) throw new DiagnosticError(configureDiagnostics(identity, settings, req));
    const caller: Caller = {
      kind: callerKindOf(settings.apiToken),
      tokenSource: source(knownString(req.config.api_token), TOKEN_VARIABLE),
    };
    return { client, policy, ephemeralTokens: new OpenEphemeralTokens(), caller };
  },

  // Terraform does not close an ephemeral token when something downstream of it failed; revoke
  // what is still open before this process goes away.
  async onStop({ provider, signal, log }) {
    if (!provider.client) return;
    await provider.ephemeralTokens.revokeAll(provider.client.detached(signal, log), log);
  },

  resources: [personalAccessTokenResource, serviceAccountResource, teamResource, userResource, teamMembershipResource],
  dataSources: [currentUserDataSource, personalAccessTokensDataSource, serviceAccountDataSource, teamDataSource, userDataSource],
  ephemeralResources: [personalAccessTokenEphemeral],
});

async function fetchPolicy(client: TesseraClient, req: ConfigureRequest): Promise<ExpirationPolicy> {
  try {
    const policy = await client.getTokenPolicy();
    const { min_expiration_days: min, max_expiration_days: max } = policy.personal_access_token;
    return { min, max, source: 'server' };
  } catch (failure) {
    // An older API without the endpoint, or a transient failure: plan with the contract's
    // default bounds; the API still validates on create.
    req.log.warn('token policy not available; using 1-30 days', { reason: failure instanceof Error ? failure.message : 'unknown' });
    return FALLBACK_EXPIRATION_POLICY;
  }
}

function source(configured: string | null | undefined, variable: string): string {
  return typeof configured === 'string' ? 'the provider configuration' : `the ${variable} environment variable`;
}

function configureDiagnostics(failure: unknown, settings: ProviderSettings, req: ConfigureRequest): Diagnostic[] {
  const tokenSource = source(knownString(req.config.api_token), TOKEN_VARIABLE);
  const endpointSource = source(knownString(req.config.endpoint), ENDPOINT_VARIABLE);
  if (failure instanceof TesseraApiError && failure.status === 401) {
    return [
      error(
        'Tessera API token rejected',
        `The Tessera API at ${settings.endpoint} rejected the api_token from ${tokenSource}: the token is invalid or expired (or was revoked, or its user was deactivated). Create a new token and set "api_token" in the provider "tessera" block or the ${TOKEN_VARIABLE} environment variable.`,
        path('api_token'),
      ),
    ];
  }
  if (failure instanceof TesseraConnectionError || failure instanceof TesseraTimeoutError) {
    return [
      error(
        'Cannot reach the Tessera API',
        `${failure.message}. The endpoint comes from ${endpointSource}; check "endpoint" in the provider "tessera" block or the ${ENDPOINT_VARIABLE} environment variable, and that the API is running.`,
        path('endpoint'),
      ),
    ];
  }
  if (failure instanceof TesseraApiError) {
    return [
      error(
        'Tessera API refused the provider configuration check',
        `GET /api/v1/me at ${settings.endpoint} answered ${failure.status}: ${failure.detail || failure.title || 'no detail'}.`,
      ),
    ];
  }
  return [error('Tessera provider configuration failed', failure instanceof Error ? failure.message : 'unexpected failure')];
}
