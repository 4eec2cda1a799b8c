/**
 * TypeScript shapes of the tfplugin6 messages as grpc-js hands them to us and accepts them
 * back (proto-loader with keepCase, longs as String, bytes as Buffer, defaults, oneofs).
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
