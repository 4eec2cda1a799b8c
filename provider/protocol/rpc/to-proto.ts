/** Typed responses → response message objects (field names as in the .proto, int64 as strings). */
import type { AttributePath, Diagnostic } from '../diagnostics';
import type * as P from '../proto/messages';
import { schemaToProto } from '../schema/to-proto';
import type * as T from './types';

export function attributePath(path: AttributePath): P.ProtoAttributePath {
  return {
    steps: path.map((step) =>
      'attribute' in step
        ? { attribute_name: step.attribute }
        : 'key' in step
          ? { element_key_string: step.key }
          : { element_key_int: String(step.index) },
    ),
  };
}

export function diagnostic(d: Diagnostic): P.ProtoDiagnostic {
  return {
    severity: d.severity === 'error' ? 1 : 2,
    summary: d.summary,
    detail: d.detail ?? '',
    attribute: d.path && d.path.length > 0 ? attributePath(d.path) : null,
  };
}

const diagnostics = (r: T.WithDiagnostics): P.ProtoDiagnostic[] => r.diagnostics.map(diagnostic);

function value(v: T.EncodedValue | null): P.ProtoDynamicValue | null {
  if (v === null) return null;
  const out: P.ProtoDynamicValue = {};
  if (v.msgpack) out.msgpack = Buffer.from(v.msgpack);
  if (v.json) out.json = Buffer.from(v.json);
  return out;
}

function buffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b);
}

export function timestamp(date: Date): P.ProtoTimestamp {
  const ms = date.getTime();
  return { seconds: String(Math.floor(ms / 1000)), nanos: (((ms % 1000) + 1000) % 1000) * 1e6 };
}

function capabilities(c: T.ServerCapabilities): P.ProtoServerCapabilities {
  return {
    plan_destroy: c.planDestroy,
    get_provider_schema_optional: c.getProviderSchemaOptional,
    move_resource_state: c.moveResourceState,
  };
}

const schemas = (m: Record<string, T.GetProviderSchemaResponse['provider']>): Record<string, P.ProtoSchema> =>
  Object.fromEntries(Object.entries(m).map(([k, v]) => [k, schemaToProto(v)]));

export const diagnosticsResponse = (r: T.WithDiagnostics): P.ProtoDiagnosticsResponse => ({ diagnostics: diagnostics(r) });

export const getMetadataResponse = (r: T.GetMetadataResponse): P.ProtoGetMetadataResponse => ({
  server_capabilities: capabilities(r.serverCapabilities),
  diagnostics: diagnostics(r),
  resources: r.resources.map((type_name) => ({ type_name })),
  data_sources: r.dataSources.map((type_name) => ({ type_name })),
  ephemeral_resources: r.ephemeralResources.map((type_name) => ({ type_name })),
  functions: r.functions.map((name) => ({ name })),
});

export const getProviderSchemaResponse = (r: T.GetProviderSchemaResponse): P.ProtoGetProviderSchemaResponse => ({
  provider: schemaToProto(r.provider),
  resource_schemas: schemas(r.resourceSchemas),
  data_source_schemas: schemas(r.dataSourceSchemas),
  ephemeral_resource_schemas: schemas(r.ephemeralResourceSchemas),
  functions: {},
  diagnostics: diagnostics(r),
  server_capabilities: capabilities(r.serverCapabilities),
});

export const stopProviderResponse = (r: T.StopProviderResponse): P.ProtoStopProviderResponse => ({ Error: r.error });

export const getFunctionsResponse = (r: T.GetFunctionsResponse): P.ProtoGetFunctionsResponse => ({
  functions: {},
  diagnostics: diagnostics(r),
});

export const callFunctionResponse = (r: T.CallFunctionResponse): P.ProtoCallFunctionResponse => ({ error: r.error });

export const getResourceIdentitySchemasResponse = (r: T.GetResourceIdentitySchemasResponse): P.ProtoGetResourceIdentitySchemasResponse => ({
  identity_schemas: {},
  diagnostics: diagnostics(r),
});

export const upgradeResourceStateResponse = (r: T.UpgradeResourceStateResponse): P.ProtoUpgradeResourceStateResponse => ({
  upgraded_state: value(r.upgradedState),
  diagnostics: diagnostics(r),
});

export const readResourceResponse = (r: T.ReadResourceResponse): P.ProtoReadResourceResponse => ({
  new_state: value(r.newState),
  private: buffer(r.private),
  diagnostics: diagnostics(r),
});

export const planResourceChangeResponse = (r: T.PlanResourceChangeResponse): P.ProtoPlanResourceChangeResponse => ({
  planned_state: value(r.plannedState),
  requires_replace: r.requiresReplace.map(attributePath),
  planned_private: buffer(r.plannedPrivate),
  diagnostics: diagnostics(r),
});

export const applyResourceChangeResponse = (r: T.ApplyResourceChangeResponse): P.ProtoApplyResourceChangeResponse => ({
  new_state: value(r.newState),
  private: buffer(r.private),
  diagnostics: diagnostics(r),
});

export const importResourceStateResponse = (r: T.ImportResourceStateResponse): P.ProtoImportResourceStateResponse => ({
  imported_resources: r.importedResources.map((i) => ({ type_name: i.typeName, state: value(i.state), private: buffer(i.private) })),
  diagnostics: diagnostics(r),
});

export const readDataSourceResponse = (r: T.ReadDataSourceResponse): P.ProtoReadDataSourceResponse => ({
  state: value(r.state),
  diagnostics: diagnostics(r),
});

export function openEphemeralResourceResponse(r: T.OpenEphemeralResourceResponse): P.ProtoOpenEphemeralResourceResponse {
  const out: P.ProtoOpenEphemeralResourceResponse = { result: value(r.result), diagnostics: diagnostics(r) };
  if (r.renewAt) out.renew_at = timestamp(r.renewAt);
  if (r.private) out.private = buffer(r.private);
  return out;
}

export function renewEphemeralResourceResponse(r: T.RenewEphemeralResourceResponse): P.ProtoRenewEphemeralResourceResponse {
  const out: P.ProtoRenewEphemeralResourceResponse = { diagnostics: diagnostics(r) };
  if (r.renewAt) out.renew_at = timestamp(r.renewAt);
  if (r.private) out.private = buffer(r.private);
  return out;
}
