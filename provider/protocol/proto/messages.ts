/**
 * TypeScript shapes of the tfplugin6 messages as the gRPC server hands them to us and accepts them
 * back (./load.ts: the static protobuf code's toObject with field names as in the .proto, longs as
 * String, bytes as Buffer, defaults, oneofs).
 * Only the fields we read or write are listed.
 */
export interface ProtoDynamicValue {
  msgpack?: Buffer;
  json?: Buffer;
}

export interface ProtoAttributePathStep {
  attribute_name?: string;
  element_key_string?: string;
  element_key_int?: string;
  selector?: 'attribute_name' | 'element_key_string' | 'element_key_int';
}

export interface ProtoAttributePath {
  steps: ProtoAttributePathStep[];
}

export interface ProtoDiagnostic {
  severity: number;
  summary: string;
  detail: string;
  attribute?: ProtoAttributePath | null;
}

export interface ProtoObject {
  attributes: ProtoAttribute[];
  nesting: number;
}

export interface ProtoAttribute {
  name: string;
  type: Buffer;
  nested_type: ProtoObject | null;
  description: string;
  required: boolean;
  optional: boolean;
  computed: boolean;
  sensitive: boolean;
  description_kind: number;
  deprecated: boolean;
  deprecation_message: string;
  write_only: boolean;
}

export interface ProtoNestedBlock {
  type_name: string;
  block: ProtoBlock;
  nesting: number;
  min_items: string;
  max_items: string;
}

export interface ProtoBlock {
  version: string;
  attributes: ProtoAttribute[];
  block_types: ProtoNestedBlock[];
  description: string;
  description_kind: number;
  deprecated: boolean;
  deprecation_message: string;
}

export interface ProtoSchema {
  version: string;
  block: ProtoBlock;
}

export interface ProtoClientCapabilities {
  deferral_allowed?: boolean;
  write_only_attributes_allowed?: boolean;
}

export interface ProtoRawState {
  json?: Buffer;
  flatmap?: Record<string, string>;
}

export interface ProtoTimestamp {
  seconds: string;
  nanos: number;
}

/** A request message: every field optional because we never trust the client to send one. */
export interface ProtoRequest {
  type_name?: string;
  config?: ProtoDynamicValue | null;
  client_capabilities?: ProtoClientCapabilities | null;
  terraform_version?: string;
  version?: string;
  raw_state?: ProtoRawState | null;
  current_state?: ProtoDynamicValue | null;
  prior_state?: ProtoDynamicValue | null;
  proposed_new_state?: ProtoDynamicValue | null;
  planned_state?: ProtoDynamicValue | null;
  prior_private?: Buffer;
  planned_private?: Buffer;
  private?: Buffer;
  id?: string;
  name?: string;
}

// Per-RPC request messages: the fields each RPC carries (as the gRPC server decodes them).
type Fields<K extends keyof ProtoRequest> = Pick<ProtoRequest, K>;
export type ProtoValidateProviderConfigRequest = Fields<'config'>;
export type ProtoValidateResourceConfigRequest = Fields<'type_name' | 'config' | 'client_capabilities'>;
export type ProtoValidateDataResourceConfigRequest = Fields<'type_name' | 'config'>;
export type ProtoValidateEphemeralResourceConfigRequest = Fields<'type_name' | 'config'>;
export type ProtoConfigureProviderRequest = Fields<'terraform_version' | 'config' | 'client_capabilities'>;
export type ProtoUpgradeResourceStateRequest = Fields<'type_name' | 'version' | 'raw_state'>;
export type ProtoUpgradeResourceIdentityRequest = Fields<'type_name' | 'version'>;
export type ProtoReadResourceRequest = Fields<'type_name' | 'current_state' | 'private' | 'client_capabilities'>;
export type ProtoPlanResourceChangeRequest = Fields<
  'type_name' | 'prior_state' | 'proposed_new_state' | 'config' | 'prior_private' | 'client_capabilities'
>;
export type ProtoApplyResourceChangeRequest = Fields<'type_name' | 'prior_state' | 'planned_state' | 'config' | 'planned_private'>;
export type ProtoImportResourceStateRequest = Fields<'type_name' | 'id' | 'client_capabilities'>;
export interface ProtoMoveResourceStateRequest {
  source_type_name?: string;
  target_type_name?: string;
}
export type ProtoReadDataSourceRequest = Fields<'type_name' | 'config' | 'client_capabilities'>;
export type ProtoOpenEphemeralResourceRequest = Fields<'type_name' | 'config' | 'client_capabilities'>;
export type ProtoRenewEphemeralResourceRequest = Fields<'type_name' | 'private'>;
export type ProtoCloseEphemeralResourceRequest = Fields<'type_name' | 'private'>;
export type ProtoCallFunctionRequest = Fields<'name'>;

// Per-RPC response messages.
export interface ProtoServerCapabilities {
  plan_destroy: boolean;
  get_provider_schema_optional: boolean;
  move_resource_state: boolean;
}
interface ProtoWithDiagnostics {
  diagnostics: ProtoDiagnostic[];
}
export interface ProtoGetMetadataResponse extends ProtoWithDiagnostics {
  server_capabilities: ProtoServerCapabilities;
  resources: { type_name: string }[];
  data_sources: { type_name: string }[];
  ephemeral_resources: { type_name: string }[];
  functions: { name: string }[];
}
export interface ProtoGetProviderSchemaResponse extends ProtoWithDiagnostics {
  provider: ProtoSchema;
  resource_schemas: Record<string, ProtoSchema>;
  data_source_schemas: Record<string, ProtoSchema>;
  ephemeral_resource_schemas: Record<string, ProtoSchema>;
  functions: Record<string, never>;
  server_capabilities: ProtoServerCapabilities;
}
export type ProtoDiagnosticsResponse = ProtoWithDiagnostics;
export interface ProtoUpgradeResourceStateResponse extends ProtoWithDiagnostics {
  upgraded_state: ProtoDynamicValue | null;
}
export interface ProtoReadResourceResponse extends ProtoWithDiagnostics {
  new_state: ProtoDynamicValue | null;
  private: Buffer;
}
export interface ProtoPlanResourceChangeResponse extends ProtoWithDiagnostics {
  planned_state: ProtoDynamicValue | null;
  requires_replace: ProtoAttributePath[];
  planned_private: Buffer;
}
export interface ProtoApplyResourceChangeResponse extends ProtoWithDiagnostics {
  new_state: ProtoDynamicValue | null;
  private: Buffer;
}
export interface ProtoImportResourceStateResponse extends ProtoWithDiagnostics {
  imported_resources: { type_name: string; state: ProtoDynamicValue | null; private: Buffer }[];
}
export interface ProtoReadDataSourceResponse extends ProtoWithDiagnostics {
  state: ProtoDynamicValue | null;
}
export interface ProtoOpenEphemeralResourceResponse extends ProtoWithDiagnostics {
  result: ProtoDynamicValue | null;
  renew_at?: ProtoTimestamp;
  private?: Buffer;
}
export interface ProtoRenewEphemeralResourceResponse extends ProtoWithDiagnostics {
  renew_at?: ProtoTimestamp;
  private?: Buffer;
}
export interface ProtoGetFunctionsResponse extends ProtoWithDiagnostics {
  functions: Record<string, never>;
}
export interface ProtoGetResourceIdentitySchemasResponse extends ProtoWithDiagnostics {
  identity_schemas: Record<string, never>;
}
export interface ProtoCallFunctionResponse {
  error: { text: string } | null;
}
export interface ProtoStopProviderResponse {
  Error: string;
}
