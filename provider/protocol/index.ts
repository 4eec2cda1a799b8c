/**
 * A generic Terraform/OpenTofu provider layer (plugin protocol 6) for TypeScript.
 *
 *   const schema = defineSchema({ attributes: { name: { type: 'string', required: true } } });
 *   serveProvider(defineProvider({ typeName: 'example', schema: defineSchema({}),
 *     configure: () => ({}), resources: [ … ] }));
 *
 * It knows nothing about any particular service: resources are plain objects with a schema and
 * async CRUD methods; the layer handles the wire protocol, planning rules and packaging.
 */
export * from './cty';
export {
  DiagnosticError,
  Diagnostics,
  error,
  formatPath,
  key,
  path,
  warning,
  type AttributePath,
  type Diagnostic,
  type PathStep,
  type Severity,
} from './diagnostics';
export {
  defineSchema,
  SchemaDefinitionError,
  type AttributeNesting,
  type AttributeSpec,
  type BlockNesting,
  type BlockSpec,
  type DescriptionKind,
  type NestedAttributesSpec,
  type NestedBlockSpec,
  type Schema,
  type SchemaSpec,
} from './schema/definition';
export type { AttributeValue, Model, ModelOf, ModelResult, Phase, TypeValue } from './schema/model';
export { attributeType, blockType } from './schema/implied-type';
export { schemaToProto } from './schema/to-proto';
export type {
  CallContext,
  ClientCapabilities,
  ConfigureRequest,
  ConfiguredContext,
  CreateRequest,
  DataSourceDefinition,
  DataSourceReadRequest,
  DeleteRequest,
  EphemeralDefinition,
  EphemeralOpenRequest,
  EphemeralOpenResult,
  EphemeralRenewRequest,
  ImportRequest,
  ModifyPlanRequest,
  ProviderDefinition,
  ReadRequest,
  ResourceDefinition,
  UpdateRequest,
  UpgradeStateRequest,
  ValidateRequest,
} from './definition';
export { defineDataSource, defineEphemeralResource, defineProvider, defineResource, forProvider, type ProviderKit } from './definition';
export { known, knownNumber, knownString, ObjectReader, read, toJsNumber } from './values/reader';
export { PrivateState } from './values/private-state';
export { completeObject } from './values/complete';
export { defaultPlan, type PlanInput, type PlanOutput } from './plan/planner';
export { createLogger, hclogTimestamp, levelFromEnv, type LogFields, type Logger, type LogLevel } from './logging/logger';
export { reattachConfig, serveProvider, type RunningProvider, type ServeOptions } from './plugin/serve';
export { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from './plugin/handshake';
export { createServerCertificate } from './plugin/certificate';
export { bundleProvider, type BundleOptions, type BundleResult } from './packaging/bundle';
export { currentPlatform, writeMirrorPackage, type Launcher, type MirrorPackage, type MirrorPackageOptions } from './packaging/mirror';
export { computeH1Hash } from './packaging/h1-hash';
export { adhocSignMachO, MachOSignError, verifyMachOSignature, type CodeDirectoryInfo, type MachOSignatureReport } from './packaging/macho';
export type * from './rpc/types';
export { RPC_HANDLERS } from './rpc/types';
export { decodeObjectValue, decodeValue, encodeValue } from './rpc/values';
