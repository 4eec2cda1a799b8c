/**
 * One thin adapter per tfplugin6 RPC: proto request → typed request → handler → typed
 * response → proto response. Nothing else happens here; the handlers never see a proto object.
 */
import type * as P from '../proto/messages';
import * as from from '../rpc/from-proto';
import * as to from '../rpc/to-proto';
import type { ProviderServer, RpcName } from '../rpc/types';
import type { Logger } from '../logging/logger';

/** A handler that may receive the per-call logger (tf_rpc field, secret-field redaction). */
export type LoggedServer = {
  [K in keyof ProviderServer]: (req: Parameters<ProviderServer[K]>[0], log?: Logger) => ReturnType<ProviderServer[K]>;
};

export type Adapter = (server: LoggedServer, message: P.ProtoRequest, log: Logger) => Promise<object>;

const adapt =
  <Msg, Req, Res, Out extends object>(
    decode: (m: Msg) => Req,
    handle: (s: LoggedServer, r: Req, log: Logger) => Promise<Res>,
    encode: (r: Res) => Out,
  ): Adapter =>
  async (server, message, log) =>
    encode(await handle(server, decode(message as Msg), log));

export const ADAPTERS: Record<RpcName, Adapter> = {
  GetMetadata: adapt(from.emptyRequest, (s, r) => s.getMetadata(r), to.getMetadataResponse),
  GetProviderSchema: adapt(from.emptyRequest, (s, r) => s.getProviderSchema(r), to.getProviderSchemaResponse),
  ValidateProviderConfig: adapt(from.validateProviderConfigRequest, (s, r, l) => s.validateProviderConfig(r, l), to.diagnosticsResponse),
  ConfigureProvider: adapt(from.configureProviderRequest, (s, r, l) => s.configureProvider(r, l), to.diagnosticsResponse),
  StopProvider: adapt(from.emptyRequest, (s, r) => s.stopProvider(r), to.stopProviderResponse),
  GetFunctions: adapt(from.emptyRequest, (s, r) => s.getFunctions(r), to.getFunctionsResponse),
  CallFunction: adapt(from.callFunctionRequest, (s, r) => s.callFunction(r), to.callFunctionResponse),
  GetResourceIdentitySchemas: adapt(from.emptyRequest, (s, r) => s.getResourceIdentitySchemas(r), to.getResourceIdentitySchemasResponse),
  UpgradeResourceIdentity: adapt(from.upgradeResourceIdentityRequest, (s, r) => s.upgradeResourceIdentity(r), to.diagnosticsResponse),
  ValidateResourceConfig: adapt(from.validateResourceConfigRequest, (s, r, l) => s.validateResourceConfig(r, l), to.diagnosticsResponse),
  UpgradeResourceState: adapt(from.upgradeResourceStateRequest, (s, r, l) => s.upgradeResourceState(r, l), to.upgradeResourceStateResponse),
  ReadResource: adapt(from.readResourceRequest, (s, r, l) => s.readResource(r, l), to.readResourceResponse),
  PlanResourceChange: adapt(from.planResourceChangeRequest, (s, r, l) => s.planResourceChange(r, l), to.planResourceChangeResponse),
  ApplyResourceChange: adapt(from.applyResourceChangeRequest, (s, r, l) => s.applyResourceChange(r, l), to.applyResourceChangeResponse),
  ImportResourceState: adapt(from.importResourceStateRequest, (s, r, l) => s.importResourceState(r, l), to.importResourceStateResponse),
  MoveResourceState: adapt(from.moveResourceStateRequest, (s, r) => s.moveResourceState(r), to.diagnosticsResponse),
  ValidateDataResourceConfig: adapt(
    from.validateDataResourceConfigRequest,
    (s, r, l) => s.validateDataResourceConfig(r, l),
    to.diagnosticsResponse,
  ),
  ReadDataSource: adapt(from.readDataSourceRequest, (s, r, l) => s.readDataSource(r, l), to.readDataSourceResponse),
  ValidateEphemeralResourceConfig: adapt(
    from.validateEphemeralResourceConfigRequest,
    (s, r, l) => s.validateEphemeralResourceConfig(r, l),
    to.diagnosticsResponse,
  ),
  OpenEphemeralResource: adapt(
    from.openEphemeralResourceRequest,
    (s, r, l) => s.openEphemeralResource(r, l),
    to.openEphemeralResourceResponse,
  ),
  RenewEphemeralResource: adapt(
    from.renewEphemeralResourceRequest,
    (s, r, l) => s.renewEphemeralResource(r, l),
    to.renewEphemeralResourceResponse,
  ),
  CloseEphemeralResource: adapt(from.closeEphemeralResourceRequest, (s, r, l) => s.closeEphemeralResource(r, l), to.diagnosticsResponse),
};
