// What `configure` hands to every resource, data source and ephemeral resource of one
// provider process.
import { forProvider } from '../protocol/definition';
import { DiagnosticError, error } from '../protocol/diagnostics';
import type { Logger } from '../protocol/logging/logger';
import type { TesseraClient } from './client';
import type { Caller } from './caller';
import type { OpenEphemeralTokens } from './ephemeral-tokens';

/** The server's bounds for `expiration_days`, or the contract's fallback when unknown. */
export interface ExpirationPolicy {
  min: number;
  max: number;
  source: 'server' | 'fallback';
}

export const FALLBACK_EXPIRATION_POLICY: ExpirationPolicy = { min: 1, max: 30, source: 'fallback' };

export interface TesseraProviderContext {
  /** Undefined while the provider configuration holds values not known until apply. */
  client: TesseraClient | undefined;
  policy: ExpirationPolicy;
  /** Ephemeral tokens opened by this process and not closed yet (revoked on stop). */
  ephemeralTokens: OpenEphemeralTokens;
  /** A service account or a user, told by the api_token's prefix; unknown while the configuration is. */
  caller: Caller;
}

/** The configured client for one call: cancelled by that call's signal, logging with its logger. */
export function requireClient(context: TesseraProviderContext, call: { signal: AbortSignal; log: Logger }): TesseraClient {
  if (!context.client) {
    throw new DiagnosticError(
      error(
        'Tessera provider configuration is not known yet',
        'The provider "tessera" block uses values that are only known after apply (for example another resource\'s attribute), so the provider cannot call the API in this step. Use values known at plan time for "endpoint" and "api_token".',
      ),
    );
  }
  return context.client.forCall(call.signal, call.log);
}

/**
 * Definition helpers bound to this provider's context: resources defined with them read their
 * values typed from their schema (`config.name` is a string) and `provider` as this context.
 */
export const tessera = forProvider<TesseraProviderContext>();
