/**
 * Decoded request messages → typed requests. Every field is treated as possibly absent: the
 * CLI omits empty ones, and a request is never trusted to be complete.
 */
import type * as P from '../proto/messages';
import type * as T from './types';

function value(v: P.ProtoDynamicValue | null | undefined): T.EncodedValue | null {
  if (!v) return null;
  const out: T.EncodedValue = {};
  if (v.msgpack && v.msgpack.length > 0) out.msgpack = v.msgpack;
  if (v.json && v.json.length > 0) out.json = v.json;
  return out.msgpack || out.json ? out : null;
}

function bytes(b: Uint8Array | null | undefined): Uint8Array {
  return b ?? Buffer.alloc(0);
}

export function clientCapabilities(c: P.ProtoClientCapabilities | null | undefined): T.ClientCapabilities {
  return { deferralAllowed: c?.deferral_allowed ?? false, writeOnlyAttributesAllowed: c?.write_only_attributes_allowed ?? false };
}

/** int64 arrives as a decimal string; anything unparsable counts as version 0. */
function int(text: string | undefined): number {
  const n = Number(text ?? '0');
  return Number.isSafeInteger(n) ? n : 0;
}

export const validateProviderConfigRequest = (m: P.ProtoValidateProviderConfigRequest): T.ValidateProviderConfigRequest => ({
  config: value(m.config),
});

export const configureProviderRequest = (m: P.ProtoConfigureProviderRequest): T.ConfigureProviderRequest => ({
  terraformVersion: m.terraform_version ?? '',
  config: value(m.config),
  clientCapabilities: clientCapabilities(m.client_capabilities),
});

export const callFunctionRequest = (m: P.ProtoCallFunctionRequest): T.CallFunctionRequest => ({ name: m.name ?? '' });

export const upgradeResourceIdentityRequest = (m: P.ProtoUpgradeResourceIdentityRequest): T.UpgradeResourceIdentityRequest => ({
  typeName: m.type_name ?? '',
  version: int(m.version),
});

export const validateResourceConfigRequest = (m: P.ProtoValidateResourceConfigRequest): T.ValidateResourceConfigRequest => ({
  typeName: m.type_name ?? '',
  config: value(m.config),
  clientCapabilities: m.client_capabilities ? clientCapabilities(m.client_capabilities) : null,
});

export const upgradeResourceStateRequest = (m: P.ProtoUpgradeResourceStateRequest): T.UpgradeResourceStateRequest => ({
  typeName: m.type_name ?? '',
  version: int(m.version),
  rawState: m.raw_state ? { json: m.raw_state.json, flatmap: m.raw_state.flatmap } : null,
});

export const readResourceRequest = (m: P.ProtoReadResourceRequest): T.ReadResourceRequest => ({
  typeName: m.type_name ?? '',
  currentState: value(m.current_state),
  private: bytes(m.private),
  clientCapabilities: clientCapabilities(m.client_capabilities),
});

export const planResourceChangeRequest = (m: P.ProtoPlanResourceChangeRequest): T.PlanResourceChangeRequest => ({
  typeName: m.type_name ?? '',
  priorState: value(m.prior_state),
  proposedNewState: value(m.proposed_new_state),
  config: value(m.config),
  priorPrivate: bytes(m.prior_private),
  clientCapabilities: clientCapabilities(m.client_capabilities),
});

export const applyResourceChangeRequest = (m: P.ProtoApplyResourceChangeRequest): T.ApplyResourceChangeRequest => ({
  typeName: m.type_name ?? '',
  priorState: value(m.prior_state),
  plannedState: value(m.planned_state),
  config: value(m.config),
  plannedPrivate: bytes(m.planned_private),
});

export const importResourceStateRequest = (m: P.ProtoImportResourceStateRequest): T.ImportResourceStateRequest => ({
  typeName: m.type_name ?? '',
  id: m.id ?? '',
  clientCapabilities: clientCapabilities(m.client_capabilities),
});

export const moveResourceStateRequest = (m: P.ProtoMoveResourceStateRequest): T.MoveResourceStateRequest => ({
  sourceTypeName: m.source_type_name ?? '',
  targetTypeName: m.target_type_name ?? '',
});

export const validateDataResourceConfigRequest = (m: P.ProtoValidateDataResourceConfigRequest): T.ValidateDataResourceConfigRequest => ({
  typeName: m.type_name ?? '',
  config: value(m.config),
});

export const readDataSourceRequest = (m: P.ProtoReadDataSourceRequest): T.ReadDataSourceRequest => ({
  typeName: m.type_name ?? '',
  config: value(m.config),
  clientCapabilities: clientCapabilities(m.client_capabilities),
});

export const validateEphemeralResourceConfigRequest = (
  m: P.ProtoValidateEphemeralResourceConfigRequest,
): T.ValidateEphemeralResourceConfigRequest => ({ typeName: m.type_name ?? '', config: value(m.config) });

export const openEphemeralResourceRequest = (m: P.ProtoOpenEphemeralResourceRequest): T.OpenEphemeralResourceRequest => ({
  typeName: m.type_name ?? '',
  config: value(m.config),
  clientCapabilities: clientCapabilities(m.client_capabilities),
});

export const renewEphemeralResourceRequest = (m: P.ProtoRenewEphemeralResourceRequest): T.RenewEphemeralResourceRequest => ({
  typeName: m.type_name ?? '',
  private: bytes(m.private),
});

export const closeEphemeralResourceRequest = (m: P.ProtoCloseEphemeralResourceRequest): T.CloseEphemeralResourceRequest => ({
  typeName: m.type_name ?? '',
  private: bytes(m.private),
});

/** RPCs whose request carries nothing we read. */
export const emptyRequest = (): Record<string, never> => ({});
