/**
 * The tfplugin6.Provider service: turns RPCs into calls on a ProviderDefinition. Every handler
 * answers (never throws): failures become error diagnostics. The CLI calls RPCs concurrently
 * within one process, so the only shared state is the configured provider value.
 *
 * The handlers live by kind (provider-rpcs, resource-rpcs, data-source-rpcs, ephemeral-rpcs)
 * and take typed requests (../rpc/types); `implementation()` wires them to the gRPC server (../grpc/server) through one
 * thin adapter per RPC (./adapters). Tests call the typed handlers directly.
 */
import type { ProviderDefinition, StopReason } from '../definition';
import type { UnaryHandler } from '../grpc/server';
import type { Logger } from '../logging/logger';
import type { ProtoRequest } from '../proto/messages';
import type * as T from '../rpc/types';
import { ADAPTERS, type LoggedServer } from './adapters';
import { DataSourceRpcs } from './data-source-rpcs';
import { EphemeralRpcs } from './ephemeral-rpcs';
import { ProviderRpcs } from './provider-rpcs';
import { ResourceRpcs } from './resource-rpcs';
import { ServiceRuntime, type ServiceRuntimeOptions } from './runtime';
import { diagnosticToProto, errorToDiagnostics } from './wire';

export { RELEASE_GRACE_MS } from './provider-rpcs';

export type ProviderServiceOptions = ServiceRuntimeOptions;

export class ProviderService<P> implements T.ProviderServer, LoggedServer {
  private readonly runtime: ServiceRuntime<P>;
  private readonly providerRpcs: ProviderRpcs<P>;
  private readonly resourceRpcs: ResourceRpcs<P>;
  private readonly dataSourceRpcs: DataSourceRpcs<P>;
  private readonly ephemeralRpcs: EphemeralRpcs<P>;

  constructor(
    definition: ProviderDefinition<P>,
    private readonly options: ProviderServiceOptions,
  ) {
    this.runtime = new ServiceRuntime(definition, options);
    this.providerRpcs = new ProviderRpcs(this.runtime);
    this.resourceRpcs = new ResourceRpcs(this.runtime);
    this.dataSourceRpcs = new DataSourceRpcs(this.runtime);
    this.ephemeralRpcs = new EphemeralRpcs(this.runtime);
  }

  /** Handlers for `server.addService(providerService, …)`: one unary handler per RPC. */
  implementation(): Record<string, UnaryHandler<ProtoRequest, object>> {
    const impl: Record<string, UnaryHandler<ProtoRequest, object>> = {};
    for (const [name, adapter] of Object.entries(ADAPTERS)) {
      impl[name] = async (request) => {
        const log = this.options.log
          .with({ tf_rpc: name, tf_resource_type: request.type_name || undefined })
          .withSecretFields(this.runtime.secretNamesFor(name, request.type_name));
        const started = Date.now();
        log.trace('Received request');
        try {
          const response = await adapter(this, request, log);
          log.trace('Served request', { tf_req_duration_ms: Date.now() - started });
          return response;
        } catch (err) {
          // Handlers catch their own errors; this is the last line of defence.
          log.error('Unhandled failure in request handler', { error: err instanceof Error ? err.message : String(err) });
          return { diagnostics: errorToDiagnostics(err, name).map(diagnosticToProto) };
        }
      };
    }
    return impl;
  }

  /**
   * Runs the definition's onStop hook with the configured provider value, if configuration
   * succeeded; resolves when the hook is done or `signal` aborts, and never rejects.
   */
  release(reason: StopReason, signal: AbortSignal): Promise<void> {
    return this.runtime.release(reason, signal);
  }

  // Provider
  getMetadata(_req: T.GetMetadataRequest = {}): Promise<T.GetMetadataResponse> {
    return this.providerRpcs.getMetadata();
  }
  getProviderSchema(_req: T.GetProviderSchemaRequest = {}): Promise<T.GetProviderSchemaResponse> {
    return this.providerRpcs.getProviderSchema();
  }
  validateProviderConfig(req: T.ValidateProviderConfigRequest, log?: Logger): Promise<T.ValidateProviderConfigResponse> {
    return this.providerRpcs.validateProviderConfig(req, log);
  }
  configureProvider(req: T.ConfigureProviderRequest, log?: Logger): Promise<T.ConfigureProviderResponse> {
    return this.providerRpcs.configureProvider(req, log);
  }
  stopProvider(_req: T.StopProviderRequest = {}): Promise<T.StopProviderResponse> {
    return this.providerRpcs.stopProvider();
  }
  getFunctions(_req: T.GetFunctionsRequest = {}): Promise<T.GetFunctionsResponse> {
    return this.providerRpcs.getFunctions();
  }
  callFunction(_req: T.CallFunctionRequest): Promise<T.CallFunctionResponse> {
    return this.providerRpcs.callFunction();
  }
  getResourceIdentitySchemas(_req: T.GetResourceIdentitySchemasRequest = {}): Promise<T.GetResourceIdentitySchemasResponse> {
    return this.providerRpcs.getResourceIdentitySchemas();
  }
  upgradeResourceIdentity(_req: T.UpgradeResourceIdentityRequest): Promise<T.UpgradeResourceIdentityResponse> {
    return this.providerRpcs.upgradeResourceIdentity();
  }

  // Managed resources
  validateResourceConfig(req: T.ValidateResourceConfigRequest, log?: Logger): Promise<T.ValidateResourceConfigResponse> {
    return this.resourceRpcs.validateResourceConfig(req, log);
  }
  upgradeResourceState(req: T.UpgradeResourceStateRequest, log?: Logger): Promise<T.UpgradeResourceStateResponse> {
    return this.resourceRpcs.upgradeResourceState(req, log);
  }
  readResource(req: T.ReadResourceRequest, log?: Logger): Promise<T.ReadResourceResponse> {
    return this.resourceRpcs.readResource(req, log);
  }
  planResourceChange(req: T.PlanResourceChangeRequest, log?: Logger): Promise<T.PlanResourceChangeResponse> {
    return this.resourceRpcs.planResourceChange(req, log);
  }
  applyResourceChange(req: T.ApplyResourceChangeRequest, log?: Logger): Promise<T.ApplyResourceChangeResponse> {
    return this.resourceRpcs.applyResourceChange(req, log);
  }
  importResourceState(req: T.ImportResourceStateRequest, log?: Logger): Promise<T.ImportResourceStateResponse> {
    return this.resourceRpcs.importResourceState(req, log);
  }
  moveResourceState(req: T.MoveResourceStateRequest): Promise<T.MoveResourceStateResponse> {
    return this.resourceRpcs.moveResourceState(req);
  }

  // Data sources
  validateDataResourceConfig(req: T.ValidateDataResourceConfigRequest, log?: Logger): Promise<T.ValidateDataResourceConfigResponse> {
    return this.dataSourceRpcs.validateDataResourceConfig(req, log);
  }
  readDataSource(req: T.ReadDataSourceRequest, log?: Logger): Promise<T.ReadDataSourceResponse> {
    return this.dataSourceRpcs.readDataSource(req, log);
  }

  // Ephemeral resources
  validateEphemeralResourceConfig(
    req: T.ValidateEphemeralResourceConfigRequest,
    log?: Logger,
  ): Promise<T.ValidateEphemeralResourceConfigResponse> {
    return this.ephemeralRpcs.validateEphemeralResourceConfig(req, log);
  }
  openEphemeralResource(req: T.OpenEphemeralResourceRequest, log?: Logger): Promise<T.OpenEphemeralResourceResponse> {
    return this.ephemeralRpcs.openEphemeralResource(req, log);
  }
  renewEphemeralResource(req: T.RenewEphemeralResourceRequest, log?: Logger): Promise<T.RenewEphemeralResourceResponse> {
    return this.ephemeralRpcs.renewEphemeralResource(req, log);
  }
  closeEphemeralResource(req: T.CloseEphemeralResourceRequest, log?: Logger): Promise<T.CloseEphemeralResourceResponse> {
    return this.ephemeralRpcs.closeEphemeralResource(req, log);
  }
}
