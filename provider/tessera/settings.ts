// Provider settings from the `provider "tessera"` block or the environment, and the problems
// with them phrased so that a user knows which attribute AND which variable to fix. The values
// are never echoed: one of them is a secret.

export const ENDPOINT_VARIABLE = 'TESSERA_ENDPOINT';
export const TOKEN_VARIABLE = 'TESSERA_API_TOKEN';
export const REQUEST_TIMEOUT_VARIABLE = 'TESSERA_REQUEST_TIMEOUT';

/** Used when neither request_timeout nor TESSERA_REQUEST_TIMEOUT is set. */
export const DEFAULT_REQUEST_TIMEOUT = '60s';
const REQUEST_TIMEOUT_MIN_MS = 1_000;
const REQUEST_TIMEOUT_MAX_MS = 60 * 60_000;

/** A value from configuration: a string, null (not set), or undefined (not known until apply). */
export type ConfigString = string | null | undefined;

export interface SettingsProblem {
  attribute: 'endpoint' | 'api_token' | 'request_timeout';
  summary: string;
  detail: string;
}

export interface ProviderSettings {
  /** Base URL without trailing slashes or a trailing /api/v1 (the client adds that). */
  endpoint: string;
  apiToken: string;
  /** Deadline of one provider operation, retries included. */
  requestTimeoutMs: number;
  /** The deadline as written and where it came from, for messages: "4s (TESSERA_REQUEST_TIMEOUT)". */
  requestTimeoutLabel: string;
}

export interface SettingsInput {
  endpoint: ConfigString;
  api_token: ConfigString;
  request_timeout?: ConfigString;
}

const TOKEN_SHAPE = /^ts(pat|svc)_[0-9A-Za-z]{36}$/;

/** Checks an endpoint; returns the reason it is unusable, or undefined when it is fine. */
export function endpointProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'it is not an absolute URL such as http://127.0.0.1:8080';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return `its scheme is "${url.protocol.replace(/:$/, '')}", but only http and https are supported`;
  if (url.username || url.password) return 'it contains credentials; put the token in api_token instead';
  if (url.search || url.hash) return 'it has a query string or fragment; give only scheme, host, port and optional path';
  return undefined;
}

/**
 * The endpoint as the client wants it: no trailing slash, and no trailing `/api/v1` (people
 * copy the API's base path from its documentation; the client adds that prefix itself).
 */
export function normalizeEndpoint(value: string): string {
  return value
    .trim()
    .replace(/\/+$/, '')
    .replace(/\/api\/v1$/, '');
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * Parses a duration the way Terraform's `timeouts` blocks write them: "90s", "2m", "1m30s",
 * "1.5m", "500ms". A bare number is refused: seconds or milliseconds would be a guess.
 */
export function parseDuration(value: string): { ms: number } | { problem: string } {
  const text = value.trim();
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(text)) {
    return { problem: 'it is not a duration such as "60s", "2m" or "1m30s" (a number followed by ms, s, m or h)' };
  }
  let ms = 0;
  for (const [, amount, , unit] of text.matchAll(/(\d+(\.\d+)?)(ms|s|m|h)/g)) ms += Number(amount) * (DURATION_UNITS[unit ?? 's'] ?? 1_000);
  if (ms < REQUEST_TIMEOUT_MIN_MS || ms > REQUEST_TIMEOUT_MAX_MS) return { problem: 'it must be between 1s and 1h' };
  return { ms: Math.round(ms) };
}

/** Checks a token's shape without revealing it; undefined when it looks like a Tessera secret. */
export function tokenProblem(value: string): string | undefined {
  if (value.trim() === '') return 'it is empty';
  if (!TOKEN_SHAPE.test(value.trim()))
    return 'it does not look like a Tessera token (tspat_… or tssvc_… followed by 36 letters and digits)';
  return undefined;
}

function sourceOf(configured: ConfigString, variable: string): string {
  return configured !== null && configured !== undefined ? 'the provider configuration' : `the ${variable} environment variable`;
}

/**
 * Validate-time check: only values that are set and known are checked, because a value may
 * still come from the environment, or from another resource at apply time.
 */
export function validateConfiguredSettings(config: SettingsInput): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  if (typeof config.endpoint === 'string') {
    const reason = endpointProblem(config.endpoint);
    if (reason) problems.push(invalidEndpoint(reason, 'the provider configuration'));
  }
  if (typeof config.api_token === 'string') {
    const reason = tokenProblem(config.api_token);
    if (reason) problems.push(invalidToken(reason, 'the provider configuration'));
  }
  if (typeof config.request_timeout === 'string') {
    const parsed = parseDuration(config.request_timeout);
    if ('problem' in parsed) problems.push(invalidRequestTimeout(parsed.problem, 'the provider configuration'));
  }
  return problems;
}

/**
 * Configure-time resolution: configuration wins over the environment; a value missing from
 * both, or unusable, is a problem naming the attribute and the variable.
 * Returns `unknown` when a configured value is not known yet (the caller then defers).
 */
export function resolveSettings(
  config: SettingsInput,
  env: Readonly<Record<string, string | undefined>>,
): { settings: ProviderSettings } | { unknown: true } | { problems: SettingsProblem[] } {
  if (
    config.endpoint === undefined ||
    config.api_token === undefined ||
    ('request_timeout' in config && config.request_timeout === undefined)
  ) {
    return { unknown: true };
  }
  const endpoint = config.endpoint ?? emptyToNull(env[ENDPOINT_VARIABLE]);
  const apiToken = config.api_token ?? emptyToNull(env[TOKEN_VARIABLE]);
  const problems: SettingsProblem[] = [];
  if (endpoint === null) {
    problems.push({
      attribute: 'endpoint',
      summary: 'Missing Tessera API endpoint',
      detail: `Set "endpoint" in the provider "tessera" block or the ${ENDPOINT_VARIABLE} environment variable to the URL of the Tessera API, e.g. http://127.0.0.1:8080.`,
    });
  } else {
    const reason = endpointProblem(endpoint);
    if (reason) problems.push(invalidEndpoint(reason, sourceOf(config.endpoint, ENDPOINT_VARIABLE)));
  }
  if (apiToken === null) {
    problems.push({
      attribute: 'api_token',
      summary: 'Missing Tessera API token',
      detail: `Set "api_token" in the provider "tessera" block or the ${TOKEN_VARIABLE} environment variable to a Tessera personal access token (tspat_…).`,
    });
  } else {
    const reason = tokenProblem(apiToken);
    if (reason) problems.push(invalidToken(reason, sourceOf(config.api_token, TOKEN_VARIABLE)));
  }
  const configuredTimeout = config.request_timeout ?? null;
  const timeoutText = configuredTimeout ?? emptyToNull(env[REQUEST_TIMEOUT_VARIABLE]) ?? DEFAULT_REQUEST_TIMEOUT;
  const timeoutSource =
    configuredTimeout !== null
      ? 'request_timeout in the provider configuration'
      : env[REQUEST_TIMEOUT_VARIABLE]
        ? REQUEST_TIMEOUT_VARIABLE
        : `the default; set request_timeout or ${REQUEST_TIMEOUT_VARIABLE} to change it`;
  const timeout = parseDuration(timeoutText);
  if ('problem' in timeout) {
    problems.push(
      invalidRequestTimeout(
        timeout.problem,
        configuredTimeout !== null ? 'the provider configuration' : `the ${REQUEST_TIMEOUT_VARIABLE} environment variable`,
      ),
    );
  }
  if (problems.length > 0 || endpoint === null || apiToken === null || 'problem' in timeout) return { problems };
  return {
    settings: {
      endpoint: normalizeEndpoint(endpoint),
      apiToken: apiToken.trim(),
      requestTimeoutMs: timeout.ms,
      requestTimeoutLabel: `${timeoutText.trim()} (${timeoutSource})`,
    },
  };
}

function emptyToNull(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value;
}

function invalidEndpoint(reason: string, source: string): SettingsProblem {
  return {
    attribute: 'endpoint',
    summary: 'Invalid Tessera API endpoint',
    detail: `The endpoint from ${source} cannot be used: ${reason}. Fix "endpoint" in the provider "tessera" block or the ${ENDPOINT_VARIABLE} environment variable.`,
  };
}

function invalidRequestTimeout(reason: string, source: string): SettingsProblem {
  return {
    attribute: 'request_timeout',
    summary: 'Invalid request_timeout',
    detail: `The request_timeout from ${source} cannot be used: ${reason}. Fix "request_timeout" in the provider "tessera" block or the ${REQUEST_TIMEOUT_VARIABLE} environment variable.`,
  };
}

function invalidToken(reason: string, source: string): SettingsProblem {
  return {
    attribute: 'api_token',
    summary: 'Invalid Tessera API token',
    detail: `The api_token from ${source} cannot be used: ${reason}. Fix "api_token" in the provider "tessera" block or the ${TOKEN_VARIABLE} environment variable.`,
  };
}
