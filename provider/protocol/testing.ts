/**
 * In-process testing: a provider's RPC handlers without a process, a socket or a CLI.
 *
 *   const server = createProviderServer(myProvider);
 *   await server.configureProvider({ terraformVersion: '1.11.4', config: encodeValue(cfg, type), clientCapabilities });
 *   const res = await server.readResource({ typeName: 'x_thing', currentState: encodeValue(state, type), … });
 *
 * Requests and responses are the typed ones of ./rpc/types; values go in and come out encoded
 * (`encodeValue`/`decodeValue`), exactly as they would over gRPC.
 */
import type { ProviderDefinition } from './definition';
import { createLogger, type Logger } from './logging/logger';
import { ProviderService } from './server/provider-service';

export interface TestServerOptions {
  /** Defaults to a logger that drops everything. */
  log?: Logger;
}

export interface TestProviderServer<P> extends ProviderService<P> {
  /** Aborted once StopProvider was called. */
  readonly stopSignal: AbortSignal;
}

export function createProviderServer<P>(definition: ProviderDefinition<P>, options: TestServerOptions = {}): TestProviderServer<P> {
  const stop = new AbortController();
  const service = new ProviderService(definition, {
    log: options.log ?? createLogger({ level: 'off' }),
    stopSignal: stop.signal,
    onStop: () => stop.abort(),
  });
  return Object.assign(service, { stopSignal: stop.signal });
}

export { ProviderService } from './server/provider-service';
export { decodeObjectValue, decodeValue, encodeValue } from './rpc/values';
