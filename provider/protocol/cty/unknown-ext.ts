import { CtyError, type CtyPath } from './errors';
import { numberFromWire, numberToWire } from './msgpack-numbers';
import type { CtyNumber } from './numbers';
import { decodeWirePrefix, encodeWire, ExtData, isWireMap, KEY_TAG, utf8Text, type WireNode } from './msgpack-wire';
import { isCollectionType, type CtyType } from './types';
import { UNKNOWN, Unknown, type Refinements } from './values';

/** Extension type cty uses for an unknown that carries refinements; a plain unknown is ext 0 with one zero byte. */
const REFINED_UNKNOWN_EXT = 0x0c;
const MAX_REFINEMENT_BYTES = 1024;

const enum RefinementKey {
  Nullness = 1,
  StringPrefix = 2,
  NumberMin = 3,
  NumberMax = 4,
  LengthMin = 5,
  LengthMax = 6,
}

/**
 * Reads an extension value in a slot of type `type`. Any extension is an unknown (cty has no other); only ext 12
 * with a body carries refinements. Returns null when the refinements say "definitely null", as cty collapses that.
 * A refinement that does not apply to the type is dropped rather than refused (cty refuses it): the wire-format
 * doc says ignoring refinements is always safe, and a provider should not fail on what Terraform might send.
 * A payload that is not a refinement map at all is still an error.
 */
export function unknownFromExt(ext: ExtData, type: CtyType, path: CtyPath): Unknown | null {
  const data = ext.data as Uint8Array;
  if (data.length <= 1 || ext.type !== REFINED_UNKNOWN_EXT || type === 'dynamic') return UNKNOWN;
  const fail = (detail: string): never => {
    throw new CtyError(path, `invalid unknown-value refinement: ${detail}`);
  };
  if (data.length > MAX_REFINEMENT_BYTES) fail('oversize refinement payload');
  let payload: WireNode;
  try {
    payload = decodeWirePrefix(data);
  } catch {
    return fail('payload is not msgpack');
  }
  if (!isWireMap(payload)) return fail('payload is not a map');
  const refinements: Refinements = {};
  for (const rawKey of Object.keys(payload)) {
    const value = payload[rawKey] as WireNode;
    if (rawKey.startsWith(KEY_TAG) || !/^-?\d+$/.test(rawKey)) fail('non-integer key in map');
    switch (Number(rawKey)) {
      case RefinementKey.Nullness:
        if (typeof value !== 'boolean') fail('null refinement is not boolean');
        if (value) return null;
        refinements.notNull = true;
        break;
      case RefinementKey.StringPrefix:
        if (type !== 'string') break;
        if (!(value instanceof Uint8Array)) return fail('string prefix refinement is not a string');
        try {
          refinements.stringPrefix = utf8Text(value);
        } catch {
          fail('string prefix refinement is not valid UTF-8');
        }
        break;
      case RefinementKey.NumberMin:
      case RefinementKey.NumberMax: {
        if (type !== 'number') break;
        if (!Array.isArray(value) || value.length !== 2 || typeof value[1] !== 'boolean')
          fail('number bound must be a [number, bool] array');
        const [bound, inclusive] = value as [WireNode, boolean];
        const entry: [CtyNumber, boolean] = [numberFromWire(bound, path), inclusive];
        if (Number(rawKey) === RefinementKey.NumberMin) refinements.numberLower = entry;
        else refinements.numberUpper = entry;
        break;
      }
      case RefinementKey.LengthMin:
      case RefinementKey.LengthMax: {
        if (!isCollectionType(type)) break;
        const n = typeof value === 'bigint' ? Number(value) : value;
        if (typeof n !== 'number' || !Number.isInteger(n)) fail('length bound must be an integer');
        if (Number(rawKey) === RefinementKey.LengthMin) refinements.lengthLower = n as number;
        else refinements.lengthUpper = n as number;
        break;
      }
      default:
      // Keys from a newer cty are ignored, as cty itself does, so future refinements do not break decoding.
    }
  }
  return new Unknown(refinements);
}

/** Writes an unknown in cty's form: `d4 00 00`, or ext 12 with the refinements that apply to `type`. */
export function unknownToExt(unknown: Unknown, type: CtyType, path: CtyPath): ExtData {
  const r = unknown.refinements;
  if (type === 'dynamic' || !unknown.isRefined) return new ExtData(0, new Uint8Array([0]));
  const fail = (detail: string): never => {
    throw new CtyError(path, `refinement does not fit the ${typeof type === 'string' ? type : type[0]} type: ${detail}`);
  };
  const entries: [RefinementKey, Uint8Array][] = [];
  const add = (key: RefinementKey, value: WireNode) => entries.push([key, encodeWire(value)]);
  if (r.notNull) add(RefinementKey.Nullness, false);
  if (r.stringPrefix !== undefined) {
    if (type !== 'string') fail('string prefix');
    add(RefinementKey.StringPrefix, r.stringPrefix);
  }
  if (r.numberLower !== undefined || r.numberUpper !== undefined) {
    if (type !== 'number') fail('number bounds');
    if (r.numberLower) add(RefinementKey.NumberMin, [numberToWire(r.numberLower[0], path), r.numberLower[1]]);
    if (r.numberUpper) add(RefinementKey.NumberMax, [numberToWire(r.numberUpper[0], path), r.numberUpper[1]]);
  }
  if (r.lengthLower !== undefined || r.lengthUpper !== undefined) {
    if (!isCollectionType(type)) fail('length bounds');
    if (r.lengthLower !== undefined) add(RefinementKey.LengthMin, numberToWire(r.lengthLower, path));
    if (r.lengthUpper !== undefined) add(RefinementKey.LengthMax, numberToWire(r.lengthUpper, path));
  }
  if (entries.length === 0) return new ExtData(0, new Uint8Array([0]));
  // The library cannot write integer map keys, so the map header (fixmap, at most 6 entries) and the
  // positive-fixint keys are written here; every value is the library's encoding.
  const parts = [Uint8Array.of(0x80 + entries.length), ...entries.flatMap(([key, bytes]) => [Uint8Array.of(key), bytes])];
  return new ExtData(REFINED_UNKNOWN_EXT, Buffer.concat(parts));
}
