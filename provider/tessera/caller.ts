// Who the provider acts as, told by the api_token's prefix alone (no API call, so it is known at
// plan time): a service account's token (`tssvc_`) or a person's (`tspat_`). Service accounts
// cannot own personal access tokens, so the personal-token resources refuse such a provider
// while planning, pointing at their own configuration, instead of failing half-way through apply.
import { DiagnosticError, error, path, type Diagnostic } from '../protocol/diagnostics';

export type CallerKind = 'service_account' | 'user' | 'unknown';

export interface Caller {
  kind: CallerKind;
  /** Where the api_token came from, for messages: "the provider configuration (api_token)" or the variable. */
  tokenSource: string;
}

export const UNKNOWN_CALLER: Caller = { kind: 'unknown', tokenSource: 'the provider configuration' };

export function callerKindOf(token: string): CallerKind {
  if (token.startsWith('tssvc_')) return 'service_account';
  if (token.startsWith('tspat_')) return 'user';
  return 'unknown';
}

/** The error a personal-token resource, ephemeral resource or data source gives a service-account provider. */
export function serviceAccountCannotOwnPersonalTokens(caller: Caller, what: string, attribute: string): Diagnostic {
  return error(
    'Service accounts cannot own personal access tokens',
    `${what} needs a personal access token owner, but the provider's api_token (from ${caller.tokenSource}) is a service-account token (tssvc_…). ` +
      'A personal access token belongs to a person and acts as that person; a service account has exactly one token of its own. ' +
      'Run this configuration with a personal access token (tspat_…) of the user who should own the token, or, for a machine identity, ' +
      'manage a tessera_service_account instead (its token attribute holds its secret).',
    path(attribute),
  );
}

/** Throws the diagnostic above when the provider runs as a service account. */
export function refuseServiceAccount(caller: Caller, what: string, attribute: string): void {
  if (caller.kind === 'service_account') throw new DiagnosticError(serviceAccountCannotOwnPersonalTokens(caller, what, attribute));
}
