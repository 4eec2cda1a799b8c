// Turns API client failures into Terraform diagnostics: the API's `detail` and the fields it
// named become the diagnostic text and attribute paths, so the CLI points at the config line.
import { error, path, type Diagnostic } from '../protocol/diagnostics';
import { TesseraAbortedError, TesseraApiError, TesseraConnectionError, TesseraResponseError, TesseraTimeoutError } from './errors';

export interface ApiDiagnosticOptions {
  /** What the provider was doing, e.g. "Could not create the personal access token". */
  summary: string;
  /** API field names that are attributes of the resource, so errors[] can point at them. */
  attributes?: readonly string[];
}

export function apiDiagnostics(failure: unknown, options: ApiDiagnosticOptions): Diagnostic[] {
  const { summary } = options;
  const attributes = new Set(options.attributes ?? []);
  if (failure instanceof TesseraApiError) {
    if (failure.status === 401) {
      return [
        error(
          `${summary}: the provider's API token is invalid or expired`,
          'The Tessera API answered 401. Give the provider a valid token through "api_token" in the provider "tessera" block or the TESSERA_API_TOKEN environment variable.',
        ),
      ];
    }
    if (failure.status === 403 && failure.requiredRoles.length > 0) return [missingRoleDiagnostic(failure, summary)];
    if (failure.fieldErrors.length > 0) {
      return failure.fieldErrors.map((field) =>
        error(
          summary,
          `${field.field}: ${field.message}${failure.detail && !failure.detail.includes(field.message) ? ` (${failure.detail})` : ''}`,
          attributes.has(field.field) ? path(field.field) : undefined,
        ),
      );
    }
    const detail = failure.detail || failure.title || `HTTP status ${failure.status}`;
    return [error(summary, `The Tessera API answered ${failure.status}: ${detail}`)];
  }
  if (failure instanceof TesseraConnectionError || failure instanceof TesseraTimeoutError) {
    return [
      error(
        summary,
        `${failure.message}. Check "endpoint" in the provider "tessera" block or the TESSERA_ENDPOINT environment variable, and that the API is running.`,
      ),
    ];
  }
  if (failure instanceof TesseraAbortedError || failure instanceof TesseraResponseError) {
    return [error(summary, failure.message)];
  }
  throw failure;
}

/** "SysAdmin", "SysAdmin or Member", "SysAdmin, Member or ReadOnly". */
export function describeRoles(roles: readonly string[]): string {
  if (roles.length <= 1) return roles.join('');
  return `${roles.slice(0, -1).join(', ')} or ${roles[roles.length - 1]}`;
}

/**
 * A 403 whose problem names the team roles that would allow the request: the diagnostic names
 * them too, and says how the provider's identity (a user or a service account) gets one.
 */
export function missingRoleDiagnostic(failure: TesseraApiError, summary: string): Diagnostic {
  const roles = describeRoles(failure.requiredRoles);
  const one = failure.requiredRoles.length === 1 ? `the ${roles} role` : `one of the roles ${roles}`;
  return error(
    `${summary}: the ${roles} role is needed`,
    `The Tessera API answered 403${failure.detail ? `: ${failure.detail}` : ''}. ` +
      `The provider's API token (a user's personal access token or a service account's token) needs ${one} through a team it belongs to. ` +
      'A SysAdmin can add it to such a team (for a service account, with tessera_team_membership), or give the provider a token that has the role.',
  );
}
