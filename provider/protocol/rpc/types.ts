/**
 * One request and one response type per tfplugin6 RPC, in TypeScript terms: camelCase fields,
 * `Diagnostic`s and `AttributePath`s instead of their wire messages, numbers instead of int64
 * strings, `Date` instead of protobuf timestamps. Values stay encoded (`EncodedValue`) because
 * only the handler knows the schema to decode them with.
 *
 * `./from-proto` and `./to-proto` convert between these and the decoded message objects; the
 * handlers in `../server` see nothing else. `ProviderServer` is the set of handlers, one method
 * per RPC, which is what the in-process tests drive.
 */
import type { AttributePath, Diagnostic } from '../diagnostics';
import type { ClientCapabilities } from '../definition';
import type { Schema } from '../schema/definition';

export type { ClientCapabilities };

/** A value as it travels: msgpack bytes (or JSON from older callers); absent or empty means null. */
export interface EncodedValue {
  msgpack?: Uint8Array;
  json?: Uint8Array;
}

/** What a handler returns on every RPC: the user sees these, with the attribute path when given. */
export interface WithDiagnostics {
  diagnostics: Diagnostic[];
}

export interface ServerCapabilities {
  planDestroy: boolean;
  getProviderSchemaOptional: boolean;
  moveResourceState: boolean;
}

/** State stored by a CLI: JSON text (flatmap only from pre-0.12 Terraform). */
export interface RawState {
  json?: Uint8Array;
  flatmap?: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Provider

export type GetMetadataRequest = Record<string, never>;
export interface GetMetadataResponse extends WithDiagnostics {
  serverCapabilities: ServerCapabilities;
  resources: string[];
  dataSources: string[];
  ephemeralResources: string[];
  functions: string[];
}

export type GetProviderSchemaRequest = Record<string, never>;
export interface GetProviderSchemaResponse extends WithDiagnostics {
  provider: Schema;
  resourceSchemas: Record<string, Schema>;
  dataSourceSchemas: Record<string, Schema>;
  ephemeralResourceSchemas: Record<string, Schema>;
  serverCapabilities: ServerCapabilities;
}

export interface ValidateProviderConfigRequest {
  config: EncodedValue | null;
}
export type ValidateProviderConfigResponse = WithDiagnostics;

export interface ConfigureProviderRequest {
  terraformVersion: string;
  config: EncodedValue | null;
  clientCapabilities: ClientCapabilities;
}
export type ConfigureProviderResponse = WithDiagnostics;

export type StopProviderRequest = Record<string, never>;
export interface StopProviderResponse {
  /** Empty when stopping worked. */
  error: string;
}

export type GetFunctionsRequest = Record<string, never>;
export interface GetFunctionsResponse extends WithDiagnostics {
  functions: Record<string, never>;
}

export interface CallFunctionRequest {
  name: string;
}
export interface CallFunctionResponse {
  error: { text: string } | null;
}

export type GetResourceIdentitySchemasRequest = Record<string, never>;
export interface GetResourceIdentitySchemasResponse extends WithDiagnostics {
  identitySchemas: Record<string, never>;
}

export interface UpgradeResourceIdentityRequest {
  typeName: string;
  version: number;
}
export type UpgradeResourceIdentityResponse = WithDiagnostics;

// ---------------------------------------------------------------------------------------------
// Managed resources

export interface ValidateResourceConfigRequest {
  typeName: string;
  config: EncodedValue | null;
  /** Absent from older CLIs; write-only attributes are then refused. */
  clientCapabilities: ClientCapabilities | null;
}
export type ValidateResourceConfigResponse = WithDiagnostics;

export interface UpgradeResourceStateRequest {
  typeName: string;
  /** The schema version the state was written with. */
  version: number;
  rawState: RawState | null;
}
export interface UpgradeResourceStateResponse extends WithDiagnostics {
  upgradedState: EncodedValue | null;
}

export interface ReadResourceRequest {
  typeName: string;
  currentState: EncodedValue | null;
  private: Uint8Array;
  clientCapabilities: ClientCapabilities;
}
export interface ReadResourceResponse extends WithDiagnostics {
  newState: EncodedValue | null;
  private: Uint8Array;
}

export interface PlanResourceChangeRequest {
  typeName: string;
  priorState: EncodedValue | null;
  proposedNewState: EncodedValue | null;
  config: EncodedValue | null;
  priorPrivate: Uint8Array;
  clientCapabilities: ClientCapabilities;
}
export interface PlanResourceChangeResponse extends WithDiagnostics {
  plannedState: EncodedValue | null;
  requiresReplace: AttributePath[];
  plannedPrivate: Uint8Array;
}

export interface ApplyResourceChangeRequest {
  typeName: string;
  priorState: EncodedValue | null;
  plannedState: EncodedValue | null;
  config: EncodedValue | null;
  plannedPrivate: Uint8Array;
}
export interface ApplyResourceChangeResponse extends WithDiagnostics {
  newState: EncodedValue | null;
  private: Uint8Array;
}

export interface ImportResourceStateRequest {
  typeName: string;
  id: string;
  clientCapabilities: ClientCapabilities;
}
export interface ImportedResource {
  typeName: string;
  state: EncodedValue | null;
  private: Uint8Array;
}
export interface ImportResourceStateResponse extends WithDiagnostics {
  importedResources: ImportedResource[];
}

export interface MoveResourceStateRequest {
  sourceTypeName: string;
  targetTypeName: string;
}
export type MoveResourceStateResponse = WithDiagnostics;

// ---------------------------------------------------------------------------------------------
// Data sources

export interface ValidateDataResourceConfigRequest {
  typeName: string;
  config: EncodedValue | null;
}
export type ValidateDataResourceConfigResponse = WithDiagnostics;

export interface ReadDataSourceRequest {
  typeName: string;
  config: EncodedValue | null;
  clientCapabilities: ClientCapabilities;
}
export interface ReadDataSourceResponse extends WithDiagnostics {
  state: EncodedValue | null;
}

// ---------------------------------------------------------------------------------------------
// Ephemeral resources

export interface ValidateEphemeralResourceConfigRequest {
  typeName: string;
  config: EncodedValue | null;
}
export type ValidateEphemeralResourceConfigResponse = WithDiagnostics;

export interface OpenEphemeralResourceRequest {
  typeName: string;
  config: EncodedValue | null;
  clientCapabilities: ClientCapabilities;
}
export interface OpenEphemeralResourceResponse extends WithDiagnostics {
  result: EncodedValue | null;
  renewAt: Date | null;
  /** null: no private data. */
  private: Uint8Array | null;
}

export interface RenewEphemeralResourceRequest {
  typeName: string;
  private: Uint8Array;
}
export interface RenewEphemeralResourceResponse extends WithDiagnostics {
  renewAt: Date | null;
  private: Uint8Array | null;
}

export interface CloseEphemeralResourceRequest {
  typeName: string;
  private: Uint8Array;
}
export type CloseEphemeralResourceResponse = WithDiagnostics;

// ---------------------------------------------------------------------------------------------

/** Every RPC as a typed handler. A handler never throws: failures come back as diagnostics. */
export interface ProviderServer {
  getMetadata(req: GetMetadataRequest): Promise<GetMetadataResponse>;
  getProviderSchema(req: GetProviderSchemaRequest): Promise<GetProviderSchemaResponse>;
  validateProviderConfig(req: ValidateProviderConfigRequest): Promise<ValidateProviderConfigResponse>;
  configureProvider(req: ConfigureProviderRequest): Promise<ConfigureProviderResponse>;
  stopProvider(req: StopProviderRequest): Promise<StopProviderResponse>;
  getFunctions(req: GetFunctionsRequest): Promise<GetFunctionsResponse>;
  callFunction(req: CallFunctionRequest): Promise<CallFunctionResponse>;
  getResourceIdentitySchemas(req: GetResourceIdentitySchemasRequest): Promise<GetResourceIdentitySchemasResponse>;
  upgradeResourceIdentity(req: UpgradeResourceIdentityRequest): Promise<UpgradeResourceIdentityResponse>;

  validateResourceConfig(req: ValidateResourceConfigRequest): Promise<ValidateResourceConfigResponse>;
  upgradeResourceState(req: UpgradeResourceStateRequest): Promise<UpgradeResourceStateResponse>;
  readResource(req: ReadResourceRequest): Promise<ReadResourceResponse>;
  planResourceChange(req: PlanResourceChangeRequest): Promise<PlanResourceChangeResponse>;
  applyResourceChange(req: ApplyResourceChangeRequest): Promise<ApplyResourceChangeResponse>;
  importResourceState(req: ImportResourceStateRequest): Promise<ImportResourceStateResponse>;
  moveResourceState(req: MoveResourceStateRequest): Promise<MoveResourceStateResponse>;

  validateDataResourceConfig(req: ValidateDataResourceConfigRequest): Promise<ValidateDataResourceConfigResponse>;
  readDataSource(req: ReadDataSourceRequest): Promise<ReadDataSourceResponse>;

  validateEphemeralResourceConfig(req: ValidateEphemeralResourceConfigRequest): Promise<ValidateEphemeralResourceConfigResponse>;
  openEphemeralResource(req: OpenEphemeralResourceRequest): Promise<OpenEphemeralResourceResponse>;
  renewEphemeralResource(req: RenewEphemeralResourceRequest): Promise<RenewEphemeralResourceResponse>;
  closeEphemeralResource(req: CloseEphemeralResourceRequest): Promise<CloseEphemeralResourceResponse>;
}

/** The tfplugin6 RPC names, mapped to the handler that serves each. */
export const RPC_HANDLERS = {
  GetMetadata: 'getMetadata',
  GetProviderSchema: 'getProviderSchema',
  ValidateProviderConfig: 'validateProviderConfig',
  ConfigureProvider: 'configureProvider',
  StopProvider: 'stopProvider',
  GetFunctions: 'getFunctions',
  CallFunction: 'callFunction',
  GetResourceIdentitySchemas: 'getResourceIdentitySchemas',
  UpgradeResourceIdentity: 'upgradeResourceIdentity',
  ValidateResourceConfig: 'validateResourceConfig',
  UpgradeResourceState: 'upgradeResourceState',
  ReadResource: 'readResource',
  PlanResourceChange: 'planResourceChange',
  ApplyResourceChange: 'applyResourceChange',
  ImportResourceState: 'importResourceState',
  MoveResourceState: 'moveResourceState',
  ValidateDataResourceConfig: 'validateDataResourceConfig',
  ReadDataSource: 'readDataSource',
  ValidateEphemeralResourceConfig: 'validateEphemeralResourceConfig',
  OpenEphemeralResource: 'openEphemeralResource',
  RenewEphemeralResource: 'renewEphemeralResource',
  CloseEphemeralResource: 'closeEphemeralResource',
} as const satisfies Record<string, keyof ProviderServer>;

export type RpcName = keyof typeof RPC_HANDLERS;
