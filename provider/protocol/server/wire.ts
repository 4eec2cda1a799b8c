/** Conversions between protocol messages and our values, diagnostics and errors. */
import { CtyError, type CtyObject, type CtyType, type CtyValue } from '../cty';
import { DiagnosticError, type AttributePath, type Diagnostic, type PathStep } from '../diagnostics';
import type { ProtoDynamicValue } from '../proto/messages';
import { attributePath, diagnostic } from '../rpc/to-proto';
import { decodeObjectValue, decodeValue, encodeValue } from '../rpc/values';

/** Decodes a DynamicValue (msgpack, else JSON); an absent or empty value is null. */
export function decodeDynamic(value: ProtoDynamicValue | null | undefined, type: CtyType): CtyValue {
  return decodeValue(value, type);
}

/** Decodes a resource-shaped value: an object or null. */
export function decodeObject(value: ProtoDynamicValue | null | undefined, type: CtyType): CtyObject | null {
  return decodeObjectValue(value, type);
}

export function encodeDynamic(value: CtyValue, type: CtyType): ProtoDynamicValue {
  return { msgpack: Buffer.from(encodeValue(value, type).msgpack ?? []) };
}

export const pathToProto = attributePath;
export const diagnosticToProto = diagnostic;

/**
 * Turns a cty path (strings are attribute names or map keys, numbers indexes) into a
 * diagnostic path, telling names from keys by walking the type.
 */
export function ctyPathToAttributePath(path: readonly (string | number)[], type: CtyType): AttributePath {
  const out: PathStep[] = [];
  let current: CtyType | undefined = type;
  for (const step of path) {
    if (typeof step === 'number') {
      out.push({ index: step });
      current = Array.isArray(current) && (current[0] === 'list' || current[0] === 'set') ? current[1] : undefined;
      if (Array.isArray(current) && current[0] === 'tuple') current = undefined;
    } else if (Array.isArray(current) && current[0] === 'map') {
      out.push({ key: step });
      current = current[1];
    } else {
      out.push({ attribute: step });
      current = Array.isArray(current) && current[0] === 'object' ? current[1][step] : undefined;
    }
  }
  return out;
}

/**
 * Any failure inside a handler becomes diagnostics: DiagnosticErrors as they are, codec errors
 * with the attribute path, anything else as a generic error naming the RPC (no stack trace:
 * that goes to the debug log).
 */
export function errorToDiagnostics(err: unknown, rpc: string, type?: CtyType): Diagnostic[] {
  if (err instanceof DiagnosticError) return err.diagnostics;
  if (err instanceof CtyError) {
    return [
      {
        severity: 'error',
        summary: 'Invalid value',
        detail: `The provider could not process a value during ${rpc}: ${err.detail}`,
        path: type ? ctyPathToAttributePath(err.path, type) : undefined,
      },
    ];
  }
  if (err instanceof Error && err.name === 'AbortError') {
    return [
      { severity: 'error', summary: 'Operation cancelled', detail: `${rpc} was stopped because Terraform asked the provider to stop.` },
    ];
  }
  const message = err instanceof Error ? err.message : String(err);
  return [
    {
      severity: 'error',
      summary: 'Provider internal error',
      detail: `${rpc} failed: ${message}\n\nThis is a bug in the provider; the provider log (TF_LOG=debug) has details.`,
    },
  ];
}
